// macOS: while broker calls are in flight on the main thread of a host that
// does not run the main run loop (plain Node), a libuv timer services it.
//
// Everything here is resolved at run time, so the addon's import table stays
// N-API only and the cross build needs no Apple SDK:
// - CoreFoundation is dlopen'd, as MSALRuntime itself is;
// - libuv is the host's own (Node's or Electron's), found with dlsym. libuv
//   1.x keeps these entry points and UV_TIMER's value stable, and
//   uv_handle_size() tells the handle's size, so no libuv header is needed.
#include <dlfcn.h>
#include <pthread.h>

#include <chrono>
#include <cstdlib>
#include <utility>

#include "main_run_loop.h"

namespace brokerbridge {

namespace {

// ---- CoreFoundation ---------------------------------------------------------

using CFTypeRef = const void*;
using CFStringRef = const void*;
using CFRunLoopRef = void*;
constexpr int32_t kCFRunLoopRunHandledSource = 4;

struct CoreFoundation {
  int32_t (*runInMode)(CFStringRef mode, double seconds, unsigned char returnAfterSourceHandled) = nullptr;
  CFRunLoopRef (*getCurrent)() = nullptr;
  CFStringRef (*copyCurrentMode)(CFRunLoopRef loop) = nullptr;
  void (*release)(CFTypeRef value) = nullptr;
  CFStringRef defaultMode = nullptr;

  bool usable() const {
    return runInMode != nullptr && getCurrent != nullptr && copyCurrentMode != nullptr && release != nullptr &&
           defaultMode != nullptr;
  }
};

template <typename Function>
void Resolve(void* library, const char* name, Function* slot) {
  *slot = reinterpret_cast<Function>(dlsym(library, name));
}

// Opened once per process and never closed, like MSALRuntime.
const CoreFoundation& CF() {
  static const CoreFoundation cf = [] {
    CoreFoundation table;
    void* library = dlopen("/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation", RTLD_LAZY | RTLD_LOCAL);
    if (library == nullptr) return table;
    Resolve(library, "CFRunLoopRunInMode", &table.runInMode);
    Resolve(library, "CFRunLoopGetCurrent", &table.getCurrent);
    Resolve(library, "CFRunLoopCopyCurrentMode", &table.copyCurrentMode);
    Resolve(library, "CFRelease", &table.release);
    // A data symbol: the address of the constant, not the constant.
    auto* mode = static_cast<const CFStringRef*>(dlsym(library, "kCFRunLoopDefaultMode"));
    table.defaultMode = mode != nullptr ? *mode : nullptr;
    return table;
  }();
  return cf;
}

// Whether this thread's run loop is running right now, with us called from
// inside it. That is the exact question: servicing the loop ourselves would
// nest a second pass inside the host's. Electron's main process calls into
// Node from its NSApplication run loop, so the answer there is yes and we
// leave the loop to it; in plain Node libuv calls us with the loop idle.
// Other tests were weighed and rejected: [NSApplication sharedApplication]
// creates an application when there is none (making plain Node a GUI
// client); NSApp.isRunning only covers AppKit hosts and is still NO while
// Electron runs its main script, before its loop starts; and
// CFRunLoopGetMain() == CFRunLoopGetCurrent() only tells which thread this
// is (pthread_main_np() below says the same), not whether anyone runs it.
bool HostRunsTheLoop() {
  const CoreFoundation& cf = CF();
  CFStringRef mode = cf.copyCurrentMode(cf.getCurrent());
  if (mode == nullptr) return false;
  cf.release(mode);
  return true;
}

// One pass that never waits (0 seconds) and returns after one source, so the
// pump's budget is checked between sources. The main GCD queue, where
// MSALRuntime puts its work, is one of the sources the main loop serves.
bool ServiceOnce() {
  if (HostRunsTheLoop()) return false;
  const CoreFoundation& cf = CF();
  return cf.runInMode(cf.defaultMode, 0, true) == kCFRunLoopRunHandledSource;
}

// ---- libuv ------------------------------------------------------------------

struct uv_handle_s;
using UvCallback = void (*)(uv_handle_s* handle);
constexpr int kUvTimer = 13;  // UV_TIMER in libuv 1.x's uv_handle_type

struct Libuv {
  size_t (*handleSize)(int type) = nullptr;
  int (*timerInit)(uv_loop_s* loop, uv_handle_s* timer) = nullptr;
  int (*timerStart)(uv_handle_s* timer, UvCallback callback, uint64_t timeoutMs, uint64_t repeatMs) = nullptr;
  int (*timerStop)(uv_handle_s* timer) = nullptr;
  void (*close)(uv_handle_s* handle, UvCallback callback) = nullptr;
  void (*unref)(uv_handle_s* handle) = nullptr;
  void* (*getData)(const uv_handle_s* handle) = nullptr;
  void (*setData)(uv_handle_s* handle, void* data) = nullptr;

  bool usable() const {
    return handleSize != nullptr && timerInit != nullptr && timerStart != nullptr && timerStop != nullptr &&
           close != nullptr && unref != nullptr && getData != nullptr && setData != nullptr;
  }
};

const Libuv& Uv() {
  static const Libuv uv = [] {
    Libuv table;
    Resolve(RTLD_DEFAULT, "uv_handle_size", &table.handleSize);
    Resolve(RTLD_DEFAULT, "uv_timer_init", &table.timerInit);
    Resolve(RTLD_DEFAULT, "uv_timer_start", &table.timerStart);
    Resolve(RTLD_DEFAULT, "uv_timer_stop", &table.timerStop);
    Resolve(RTLD_DEFAULT, "uv_close", &table.close);
    Resolve(RTLD_DEFAULT, "uv_unref", &table.unref);
    Resolve(RTLD_DEFAULT, "uv_handle_get_data", &table.getData);
    Resolve(RTLD_DEFAULT, "uv_handle_set_data", &table.setData);
    return table;
  }();
  return uv;
}

// A repeating timer on one environment's libuv loop that never keeps the
// process alive (unref'd). libuv owns the handle's memory until the close
// callback, so closing is asynchronous and happens once, from whichever comes
// first: the owner letting go, or the environment's teardown through an async
// cleanup hook (N-API's way to close libuv handles before the loop goes).
class LoopTimer {
 public:
  static std::shared_ptr<LoopTimer> Create(napi_env env, std::function<void()> onTick) {
    const Libuv& uv = Uv();
    uv_loop_s* loop = nullptr;
    if (!uv.usable() || napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) return nullptr;
    const size_t size = uv.handleSize(kUvTimer);
    if (size == 0) return nullptr;
    auto block = std::make_shared<Block>();
    block->handle = static_cast<uv_handle_s*>(std::calloc(1, size));
    if (block->handle == nullptr) return nullptr;
    if (uv.timerInit(loop, block->handle) != 0) {
      std::free(block->handle);  // never initialised: libuv does not know it
      return nullptr;
    }
    uv.unref(block->handle);
    block->onTick = std::move(onTick);
    // The handle's own strong reference, dropped by the close callback.
    uv.setData(block->handle, new std::shared_ptr<Block>(block));
    if (napi_add_async_cleanup_hook(env, OnEnvironmentTeardown, block.get(), &block->cleanupHook) != napi_ok) {
      block->cleanupHook = nullptr;  // the close callback then has nothing to remove
    }
    return std::shared_ptr<LoopTimer>(new LoopTimer(std::move(block)));
  }

  ~LoopTimer() { Close(*block_); }
  LoopTimer(const LoopTimer&) = delete;
  LoopTimer& operator=(const LoopTimer&) = delete;

  bool Start(uint64_t intervalMs) {
    // First pass at once: the runtime may queue main-thread work right away.
    return !block_->closing && Uv().timerStart(block_->handle, OnTimer, 0, intervalMs) == 0;
  }
  void Stop() {
    if (!block_->closing) Uv().timerStop(block_->handle);
  }

 private:
  struct Block {
    uv_handle_s* handle = nullptr;
    std::function<void()> onTick;
    napi_async_cleanup_hook_handle cleanupHook = nullptr;
    bool closing = false;
  };

  explicit LoopTimer(std::shared_ptr<Block> block) : block_(std::move(block)) {}

  static Block& BlockOf(uv_handle_s* handle) {
    return **static_cast<std::shared_ptr<Block>*>(Uv().getData(handle));
  }

  static void OnTimer(uv_handle_s* handle) {
    Block& block = BlockOf(handle);
    if (!block.closing && block.onTick) block.onTick();
  }

  static void Close(Block& block) {
    if (block.closing) return;
    block.closing = true;
    block.onTick = nullptr;  // the owner may be going away
    Uv().timerStop(block.handle);
    Uv().close(block.handle, OnClosed);
  }

  static void OnEnvironmentTeardown(napi_async_cleanup_hook_handle, void* data) { Close(*static_cast<Block*>(data)); }

  static void OnClosed(uv_handle_s* handle) {
    auto* holder = static_cast<std::shared_ptr<Block>*>(Uv().getData(handle));
    Block& block = **holder;
    std::free(block.handle);
    block.handle = nullptr;
    // Tells N-API the teardown may go on (or unregisters the hook when the
    // owner closed first).
    if (block.cleanupHook != nullptr) napi_remove_async_cleanup_hook(std::exchange(block.cleanupHook, nullptr));
    delete holder;
  }

  std::shared_ptr<Block> block_;
};

// Often enough that a main-queue hop costs the broker little; rare enough
// that a minutes-long interactive call costs the process nothing noticeable.
constexpr uint64_t kTickIntervalMs = 10;

}  // namespace

std::unique_ptr<RunLoopPump> NewMainRunLoopPump(napi_env env) {
  struct Wiring {
    explicit Wiring(napi_env environment) : env(environment) {}
    napi_env env;
    RunLoopPump* pump = nullptr;
    std::shared_ptr<LoopTimer> timer;  // created at the first call that needs it
  };
  auto wiring = std::make_shared<Wiring>(env);
  auto pump = std::make_unique<RunLoopPump>(RunLoopPump::Hooks{
      [wiring] {
        // Only the main thread can service the main queue. A worker's calls
        // rely on the main thread's environment having a call of its own in
        // flight, or on a host that runs the loop.
        if (pthread_main_np() == 0 || !CF().usable() || HostRunsTheLoop()) return false;
        if (!wiring->timer) {
          RunLoopPump* pump = wiring->pump;  // outlives the timer: it owns this wiring
          wiring->timer = LoopTimer::Create(wiring->env, [pump] { pump->Tick(); });
        }
        return wiring->timer != nullptr && wiring->timer->Start(kTickIntervalMs);
      },
      [wiring] {
        if (wiring->timer) wiring->timer->Stop();
      },
      ServiceOnce,
      [] {
        return static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
                .count());
      },
  });
  wiring->pump = pump.get();
  return pump;
}

}  // namespace brokerbridge
