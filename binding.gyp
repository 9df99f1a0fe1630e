{
  "targets": [
    {
      "target_name": "brokerbridge",
      "sources": [
        "native/addon.cc",
        "native/async_operation.cc",
        "native/auth_parameters.cc",
        "native/js_values.cc",
        "native/log_sink.cc",
        "native/msal_runtime.cc",
        "native/runtime_loader.cc",
        "native/run_loop_pump.cc",
        "native/runtime_values.cc",
        "native/window_handle.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags": ["-fvisibility=hidden"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-fvisibility=hidden", "-fvisibility-inlines-hidden", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS=='win'", {
          "sources": ["native/main_run_loop_none.cc", "native/runtime_loader_win.cc", "native/window_handle_win.cc"],
          "defines": ["WIN32_LEAN_AND_MEAN", "NOMINMAX", "UNICODE", "_UNICODE"],
          "msvs_settings": {
            "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] }
          }
        }],
        ["OS=='mac'", {
          "sources": ["native/main_run_loop_mac.cc", "native/runtime_loader_posix.cc", "native/window_handle_mac.cc"],
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
            "GCC_INLINES_ARE_PRIVATE_EXTERN": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "MACOSX_DEPLOYMENT_TARGET": "10.15"
          }
        }],
        ["OS=='linux'", {
          "sources": ["native/main_run_loop_none.cc", "native/runtime_loader_posix.cc", "native/window_handle_linux.cc"],
          "libraries": ["-ldl"]
        }]
      ]
    }
  ]
}
