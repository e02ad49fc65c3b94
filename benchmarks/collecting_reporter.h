// A Google Benchmark reporter that prints as the console reporter does and keeps each benchmark's wall
// seconds per iteration, so that a benchmark binary can print ratios between sides measured in one run.
#ifndef PASSERELLE_BENCHMARKS_COLLECTING_REPORTER_H_
#define PASSERELLE_BENCHMARKS_COLLECTING_REPORTER_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "benchmark/benchmark.h"

namespace passerelle::benchmarks {

class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      std::string name = run.benchmark_name();
      if (absl::EndsWith(name, "/real_time")) name.resize(name.size() - std::string_view("/real_time").size());
      seconds[name] = run.real_accumulated_time / static_cast<double>(run.iterations);
      cpu_seconds[name] = run.cpu_accumulated_time / static_cast<double>(run.iterations);
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> seconds;  // wall seconds per iteration, by benchmark name
  // CPU seconds of the benchmark's thread per iteration: on a shared, loaded machine the steadier figure
  // for single-threaded work.
  std::map<std::string, double> cpu_seconds;
};

}  // namespace passerelle::benchmarks

#endif  // PASSERELLE_BENCHMARKS_COLLECTING_REPORTER_H_
