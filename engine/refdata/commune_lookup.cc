#include "engine/refdata/commune_lookup.h"

#include <cmath>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace passerelle::engine {
namespace {

constexpr double kCellDeg = 0.25;
constexpr double kEarthRadiusKm = 6371.0088;  // as engine/model/resolve.h (which refdata may not include)
constexpr double kDegToRad = 3.14159265358979323846 / 180.0;

// The ASCII letter(s) of a two-byte UTF-8 Latin-1 letter (0xC3 0x80..0xBF), or "" for other characters.
absl::string_view FoldLatin1(unsigned char second) {
  static constexpr const char* kTable[64] = {
      "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",   // 0x80
      "D", "N", "O", "O", "O", "O", "O", "",  "O", "U", "U", "U", "U", "Y", "",  "SS",  // 0x90
      "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",   // 0xA0
      "D", "N", "O", "O", "O", "O", "O", "",  "O", "U", "U", "U", "U", "Y", "",  "Y"};   // 0xB0
  return second >= 0x80 && second <= 0xBF ? kTable[second - 0x80] : "";
}

int64_t CellKey(int64_t lat_cell, int64_t lon_cell) { return lat_cell * 4096 + lon_cell; }
int64_t CellOf(double deg) { return static_cast<int64_t>(std::floor(deg / kCellDeg)); }

double DistanceKm(double lat1, double lon1, double lat2, double lon2) {
  const double dlat = (lat2 - lat1) * kDegToRad, dlon = (lon2 - lon1) * kDegToRad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kDegToRad) * std::cos(lat2 * kDegToRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

// "PARIS 15E ARRONDISSEMENT" -> "PARIS" (the city the communes file holds).
std::string WithoutArrondissement(std::string folded) {
  const size_t at = folded.find(" ARRONDISSEMENT");
  if (at == std::string::npos) return folded;
  const size_t number = folded.rfind(' ', at - 1);
  return number == std::string::npos ? folded : folded.substr(0, number);
}

}  // namespace

std::string FoldCommuneName(absl::string_view name) {
  std::string letters;
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c == 0xC3 && i + 1 < name.size()) {
      absl::StrAppend(&letters, FoldLatin1(static_cast<unsigned char>(name[++i])));
    } else if (c == 0xC5 && i + 1 < name.size() && (name[i + 1] == '\x92' || name[i + 1] == '\x93')) {
      letters += "OE";  // Œ, œ
      ++i;
    } else if (absl::ascii_isalnum(c)) {
      letters += absl::ascii_toupper(c);
    } else if (!letters.empty() && letters.back() != ' ') {
      letters += ' ';
    }
  }
  while (!letters.empty() && letters.back() == ' ') letters.pop_back();
  std::string out;
  for (absl::string_view word : absl::StrSplit(letters, ' ', absl::SkipEmpty())) {
    if (!out.empty()) out += ' ';
    if (word == "ST") word = "SAINT";
    if (word == "STE") word = "SAINTE";
    absl::StrAppend(&out, word);
  }
  return out;
}

std::string DepartementOfPostalCode(absl::string_view postal_code) {
  if (postal_code.size() != 5) return "";
  for (char c : postal_code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return "";
  }
  if (absl::StartsWith(postal_code, "20")) return postal_code < "20200" ? "2A" : "2B";
  if (absl::StartsWith(postal_code, "97") || absl::StartsWith(postal_code, "98")) {
    return std::string(postal_code.substr(0, 3));
  }
  return std::string(postal_code.substr(0, 2));
}

CommuneLookup::CommuneLookup(const ReferenceData& data) : data_(data) {
  const auto communes = data.communes();
  for (int32_t i = 0; i < static_cast<int32_t>(communes.size()); ++i) {
    const Commune& c = communes[i];
    by_name_[absl::StrCat(c.departement_code, "|", FoldCommuneName(c.name))].push_back(i);
    by_cell_[CellKey(CellOf(c.latitude_deg), CellOf(c.longitude_deg))].push_back(i);
  }
}

std::optional<int32_t> CommuneLookup::FindByInsee(absl::string_view insee_code) const {
  if (std::optional<int32_t> found = data_.FindCommune(insee_code)) return found;
  int number = 0;
  if (insee_code.size() != 5 || !absl::SimpleAtoi(insee_code, &number)) return std::nullopt;
  if (number >= 75101 && number <= 75120) return data_.FindCommune("75056");
  if (number >= 69381 && number <= 69389) return data_.FindCommune("69123");
  if (number >= 13201 && number <= 13216) return data_.FindCommune("13055");
  return std::nullopt;
}

std::vector<int32_t> CommuneLookup::FindByName(absl::string_view departement, absl::string_view name) const {
  const std::string folded = FoldCommuneName(name);
  for (const std::string& candidate : {folded, WithoutArrondissement(folded)}) {
    auto it = by_name_.find(absl::StrCat(departement, "|", candidate));
    if (it != by_name_.end()) return it->second;
  }
  return {};
}

std::optional<CommuneLookup::Nearest> CommuneLookup::FindNearest(double latitude_deg, double longitude_deg,
                                                                absl::string_view departement,
                                                                double max_km) const {
  if (!std::isfinite(latitude_deg) || !std::isfinite(longitude_deg) || std::abs(latitude_deg) > 90 ||
      std::abs(longitude_deg) > 180) {
    return std::nullopt;
  }
  // A cell is at least 27 km high and, below 64 degrees of latitude, 12 km wide: scan rings of cells
  // until a ring lies wholly beyond the best distance found or beyond max_km.
  const int64_t lat0 = CellOf(latitude_deg), lon0 = CellOf(longitude_deg);
  const double ring_km = 111.0 * kCellDeg * std::max(0.2, std::cos(latitude_deg * kDegToRad));
  std::optional<Nearest> best;
  for (int64_t ring = 0; (ring - 1) * ring_km <= max_km; ++ring) {
    if (best.has_value() && (ring - 1) * ring_km > best->distance_km) break;
    for (int64_t dlat = -ring; dlat <= ring; ++dlat) {
      for (int64_t dlon = -ring; dlon <= ring; ++dlon) {
        if (std::max(std::abs(dlat), std::abs(dlon)) != ring) continue;
        auto it = by_cell_.find(CellKey(lat0 + dlat, lon0 + dlon));
        if (it == by_cell_.end()) continue;
        for (int32_t i : it->second) {
          const Commune& c = data_.communes()[i];
          if (!departement.empty() && c.departement_code != departement) continue;
          const double km = DistanceKm(latitude_deg, longitude_deg, c.latitude_deg, c.longitude_deg);
          if (km <= max_km && (!best.has_value() || km < best->distance_km)) best = Nearest{i, km};
        }
      }
    }
  }
  return best;
}

}  // namespace passerelle::engine
