// Splitting work over threads, the one way the engine does it: a query's scan of segments, batch
// re-ranking, the store's puts.
#ifndef PASSERELLE_ENGINE_COMMON_PARALLEL_H_
#define PASSERELLE_ENGINE_COMMON_PARALLEL_H_

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace passerelle::engine {

// Calls fn(part, begin, end) for `parts` contiguous ranges covering [0, n) (part p is [n*p/parts,
// n*(p+1)/parts)); part 0 runs on the calling thread, each other part on a thread of its own. Returns
// when every part has returned. parts is clamped to [1, max(n, 1)].
template <class Fn>
void ParallelRanges(size_t n, size_t parts, const Fn& fn) {
  parts = std::clamp<size_t>(parts, 1, std::max<size_t>(n, 1));
  if (parts == 1) {
    fn(size_t{0}, size_t{0}, n);
    return;
  }
  std::vector<std::thread> helpers;
  helpers.reserve(parts - 1);
  for (size_t p = 1; p < parts; ++p) {
    helpers.emplace_back([&fn, n, parts, p] { fn(p, n * p / parts, n * (p + 1) / parts); });
  }
  fn(size_t{0}, size_t{0}, n / parts);
  for (std::thread& t : helpers) t.join();
}

// Calls fn(worker) on `threads` threads (worker 0 on the calling thread) and returns when all have
// returned; for workers that take their work from a shared queue.
template <class Fn>
void RunOnThreads(int threads, const Fn& fn) {
  ParallelRanges(static_cast<size_t>(std::max(threads, 1)), static_cast<size_t>(std::max(threads, 1)),
                 [&fn](size_t worker, size_t, size_t) { fn(static_cast<int>(worker)); });
}

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_COMMON_PARALLEL_H_
