// Calendar days as Day numbers (days since 1970-01-01), to and from ISO 8601 "YYYY-MM-DD".
#ifndef PASSERELLE_ENGINE_MODEL_DATES_H_
#define PASSERELLE_ENGINE_MODEL_DATES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/model/types.h"

namespace passerelle::engine {

Day DayFromCivil(int year, int month, int day);
// Parses "YYYY-MM-DD"; an empty string gives 0 (not stated). `field` names the field in the error.
absl::StatusOr<Day> ParseDay(absl::string_view text, absl::string_view field);
// "YYYY-MM-DD"; 0 gives an empty string.
std::string FormatDay(Day day);
// The UTC calendar day of an instant (callers pass absl::Now(); the engine itself never reads a clock).
Day DayOf(absl::Time instant);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_MODEL_DATES_H_
