#include "engine/model/dates.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "engine/common/field_status.h"
#include "engine/common/quote.h"

namespace passerelle::engine {

Day DayFromCivil(int year, int month, int day) {
  return static_cast<Day>(absl::CivilDay(year, month, day) - absl::CivilDay(1970, 1, 1));
}

absl::StatusOr<Day> ParseDay(absl::string_view text, absl::string_view field) {
  if (text.empty()) return 0;
  absl::CivilDay civil;
  // ParseCivilTime accepts exactly YYYY-MM-DD and rejects impossible dates such as 2026-02-30.
  if (text.size() != 10 || !absl::ParseCivilTime(text, &civil)) {
    return InvalidFieldError(field, absl::StrCat("expected a date YYYY-MM-DD, got ", engine::Quote(text)));
  }
  const int64_t days = civil - absl::CivilDay(1970, 1, 1);
  if (days < 0 || days > 84000) {
    return InvalidFieldError(field, absl::StrCat("date out of range: ", engine::Quote(text)));
  }
  return static_cast<Day>(days);
}

std::string FormatDay(Day day) {
  if (day == 0) return "";
  const absl::CivilDay civil = absl::CivilDay(1970, 1, 1) + day;
  return absl::StrFormat("%04d-%02d-%02d", civil.year(), civil.month(), civil.day());
}

Day DayOf(absl::Time instant) {
  const int64_t seconds = absl::ToUnixSeconds(instant);
  // Floor division, so that instants before 1970 fall on the day they belong to.
  return static_cast<Day>(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400);
}

}  // namespace passerelle::engine
