/*
 * The control for the renamed-host test (test/integration/windows/): the
 * smallest N-API addon, linked the conventional way, against an import
 * library that names node.exe (made by dlltool from node-api-headers'
 * node_api.def). It loads in node.exe and fails in a host of another name,
 * which is what native/node_api_host_win.cc avoids for the real addon.
 */
#include <node_api.h>

NAPI_MODULE_INIT() {
  napi_value loaded;
  napi_get_boolean(env, true, &loaded);
  return loaded;
}
