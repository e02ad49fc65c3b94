#include "engine/batch/exposure.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace passerelle::engine {
namespace {

const char* FrenchBand(CefrLevel level) {
  switch (level) {
    case CefrLevel::kPreA1:
      return "below A1";
    case CefrLevel::kA1:
      return "A1";
    case CefrLevel::kA2:
      return "A2";
    case CefrLevel::kB1:
      return "B1";
    default:
      return "B2 and above";
  }
}

const char* HousingName(HousingStatus housing) {
  switch (housing) {
    case HousingStatus::kStable:
      return "stable";
    case HousingStatus::kTemporary:
      return "temporary";
    case HousingStatus::kEmergency:
      return "emergency";
    case HousingStatus::kNone:
      return "none";
  }
  return "unknown";
}

const char* TransportName(TransportMode mode) {
  switch (mode) {
    case TransportMode::kWalking:
      return "walking";
    case TransportMode::kBicycle:
      return "bicycle";
    case TransportMode::kCar:
      return "car";
    case TransportMode::kUnspecified:  // treated as public transport by the scoring too
    case TransportMode::kPublicTransport:
      return "public transport";
  }
  return "unknown";
}

// floor(share * p) without float noise (0.3 * 10 is 3, not 2).
int32_t Required(double share, int32_t p) { return static_cast<int32_t>(std::floor(share * p + 1e-9)); }

}  // namespace

const char* WatchedAttributeName(WatchedAttribute attribute) {
  switch (attribute) {
    case WatchedAttribute::kFrenchBand:
      return "french_band";
    case WatchedAttribute::kHousing:
      return "housing";
    case WatchedAttribute::kTransportMode:
      return "transport_mode";
    case WatchedAttribute::kDepartement:
      return "departement";
  }
  return "unknown";
}

std::string GroupOf(const Candidate& candidate, WatchedAttribute attribute, const ReferenceData& data) {
  switch (attribute) {
    case WatchedAttribute::kFrenchBand:
      return FrenchBand(candidate.french_level);
    case WatchedAttribute::kHousing:
      return HousingName(candidate.housing);
    case WatchedAttribute::kTransportMode:
      return TransportName(candidate.transport_mode);
    case WatchedAttribute::kDepartement: {
      const std::optional<int32_t> commune = data.FindCommune(candidate.commune_insee);
      return commune ? data.communes()[*commune].departement_code : "unknown";
    }
  }
  return "unknown";
}

ExposureReport MeasureExposure(WatchedAttribute attribute, const std::vector<std::string>& pool_group,
                               const std::vector<int32_t>& slot_candidates) {
  std::map<std::string, GroupExposure> groups;
  for (const std::string& g : pool_group) ++groups[g].pool_count;
  ExposureReport report;
  report.attribute = attribute;
  report.pool_size = static_cast<int64_t>(pool_group.size());
  for (int32_t i : slot_candidates) {
    if (i < 0 || i >= static_cast<int32_t>(pool_group.size())) continue;
    ++groups[pool_group[i]].slot_count;
    ++report.slots;
  }
  for (auto& [name, g] : groups) {
    g.group = name;
    g.pool_share = report.pool_size > 0 ? static_cast<double>(g.pool_count) / report.pool_size : 0;
    g.slot_share = report.slots > 0 ? static_cast<double>(g.slot_count) / report.slots : 0;
    g.exposure_ratio = g.pool_share > 0 ? g.slot_share / g.pool_share : 0;
    report.groups.push_back(g);
  }
  return report;
}

RepresentativeList RepresentativeRerank(const std::vector<RankedEntry>& list, int32_t k, const std::string& group,
                                        double min_share) {
  // Plain order: score descending, then position in the list.
  std::vector<int32_t> order(list.size());
  for (size_t i = 0; i < list.size(); ++i) order[i] = static_cast<int32_t>(i);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return list[a].score > list[b].score; });
  const auto top = static_cast<int32_t>(std::min<size_t>(static_cast<size_t>(std::max(k, 0)), list.size()));

  RepresentativeList out;
  for (int32_t p = 0; p < top; ++p) out.score_before += list[order[p]].score;
  std::vector<uint8_t> taken(list.size(), 0);
  size_t next_any = 0, next_member = 0;  // cursors into `order`
  int32_t members = 0;
  for (int32_t p = 1; p <= top; ++p) {
    while (next_any < order.size() && taken[order[next_any]]) ++next_any;
    while (next_member < order.size() && (taken[order[next_member]] || list[order[next_member]].group != group)) {
      ++next_member;
    }
    size_t pick = next_any;
    if (members < Required(min_share, p)) {
      if (next_member < order.size()) {
        pick = next_member;
      } else {
        ++out.prefixes_short;
      }
    }
    const RankedEntry& entry = list[order[pick]];
    taken[order[pick]] = 1;
    members += entry.group == group;
    out.entries.push_back(entry);
    out.score_after += entry.score;
  }
  out.score_cost = std::max(0.0, out.score_before - out.score_after);
  return out;
}

}  // namespace passerelle::engine
