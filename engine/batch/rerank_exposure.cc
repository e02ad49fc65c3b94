#include "engine/batch/rerank_exposure.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/common/field_status.h"
#include "engine/common/quote.h"

namespace passerelle::engine {
namespace {

constexpr WatchedAttribute kAllAttributes[] = {WatchedAttribute::kFrenchBand, WatchedAttribute::kHousing,
                                               WatchedAttribute::kTransportMode, WatchedAttribute::kDepartement};

bool KnownDepartement(const std::string& code, const ReferenceData& data) {
  for (const Commune& commune : data.communes()) {
    if (commune.departement_code == code) return true;
  }
  return false;
}

absl::Status ValidateMinimum(const MinimumExposure& minimum, const ReferenceData& data) {
  if (!(minimum.min_share >= 0 && minimum.min_share <= 1)) {  // NaN fails too
    return InvalidFieldError("min_exposure.min_share", absl::StrCat("must be in [0, 1], got ", minimum.min_share));
  }
  if (minimum.group.empty()) return InvalidFieldError("min_exposure.group", "required");
  if (minimum.attribute == WatchedAttribute::kDepartement) {
    if (!KnownDepartement(minimum.group, data)) {
      return InvalidFieldError("min_exposure.group", absl::StrCat("unknown département code ", Quote(minimum.group)));
    }
    return absl::OkStatus();
  }
  const std::vector<std::string>& known = KnownGroups(minimum.attribute);
  if (std::find(known.begin(), known.end(), minimum.group) == known.end()) {
    std::string list;
    for (const std::string& g : known) absl::StrAppend(&list, list.empty() ? "" : ", ", "\"", g, "\"");
    return InvalidFieldError("min_exposure.group", absl::StrCat(Quote(minimum.group), " is not a group of ",
                                                                WatchedAttributeName(minimum.attribute), " (", list, ")"));
  }
  return absl::OkStatus();
}

// Best first; ties by candidate id so that the order does not depend on the stream's.
void SortList(std::vector<RankedEntry>& list, const std::vector<std::string>& ids) {
  std::sort(list.begin(), list.end(), [&](const RankedEntry& a, const RankedEntry& b) {
    if (a.score != b.score) return a.score > b.score;
    return ids[a.candidate] < ids[b.candidate];
  });
}

}  // namespace

std::optional<WatchedAttribute> WatchedAttributeFromName(const std::string& name) {
  for (WatchedAttribute a : kAllAttributes) {
    if (name == WatchedAttributeName(a)) return a;
  }
  return std::nullopt;
}

const std::vector<std::string>& KnownGroups(WatchedAttribute attribute) {
  static const auto* const kBands = new std::vector<std::string>{"below A1", "A1", "A2", "B1", "B2 and above"};
  static const auto* const kHousing = new std::vector<std::string>{"stable", "temporary", "emergency", "none"};
  static const auto* const kTransport = new std::vector<std::string>{"walking", "bicycle", "public transport", "car"};
  static const auto* const kNone = new std::vector<std::string>();
  switch (attribute) {
    case WatchedAttribute::kFrenchBand:
      return *kBands;
    case WatchedAttribute::kHousing:
      return *kHousing;
    case WatchedAttribute::kTransportMode:
      return *kTransport;
    case WatchedAttribute::kDepartement:
      return *kNone;
  }
  return *kNone;
}

absl::Status ValidateRerankExposureOptions(const RerankExposureOptions& options, const ReferenceData& data) {
  if (options.slots_per_opening < 1 || options.slots_per_opening > kMaxK) {
    return InvalidFieldError("slots_per_opening",
                             absl::StrCat("must be in [1, ", kMaxK, "], got ", options.slots_per_opening));
  }
  for (size_t i = 0; i < options.attributes.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (options.attributes[j] == options.attributes[i]) {
        return InvalidFieldError(absl::StrCat("exposure_attributes[", i, "]"),
                                 absl::StrCat("\"", WatchedAttributeName(options.attributes[i]), "\" is repeated"));
      }
    }
  }
  if (options.minimum) return ValidateMinimum(*options.minimum, data);
  return absl::OkStatus();
}

RerankExposureCollector::RerankExposureCollector(RerankExposureOptions options, const ReferenceData& data)
    : options_(std::move(options)), data_(data), reported_(options_.attributes) {
  if (options_.minimum &&
      std::find(reported_.begin(), reported_.end(), options_.minimum->attribute) == reported_.end()) {
    reported_.push_back(options_.minimum->attribute);
  }
  group_of_.resize(reported_.size());
}

void RerankExposureCollector::Add(const Candidate& candidate, const std::vector<ScoredMatch>& matches) {
  const auto index = static_cast<int32_t>(candidate_ids_.size());
  candidate_ids_.push_back(candidate.id);
  for (size_t a = 0; a < reported_.size(); ++a) group_of_[a].push_back(GroupOf(candidate, reported_[a], data_));
  for (const ScoredMatch& m : matches) lists_[m.id].push_back({index, m.total});
}

RerankExposure RerankExposureCollector::Finish() const {
  RerankExposure out;
  out.slots_per_opening = options_.slots_per_opening;
  out.opening_lists = static_cast<int64_t>(lists_.size());
  out.minimum = options_.minimum;
  // Openings by id, so that shortlists come out in a fixed order.
  std::vector<const std::string*> openings;
  openings.reserve(lists_.size());
  for (const auto& [id, entries] : lists_) openings.push_back(&id);
  std::sort(openings.begin(), openings.end(), [](const auto* a, const auto* b) { return *a < *b; });

  const size_t minimum_at = options_.minimum ? std::find(reported_.begin(), reported_.end(),
                                                         options_.minimum->attribute) - reported_.begin()
                                             : 0;
  std::vector<int32_t> plain_slots, fair_slots;
  for (const std::string* id : openings) {
    std::vector<RankedEntry> list;
    for (const Entry& e : lists_.at(*id)) {
      list.push_back({e.candidate, e.score, options_.minimum ? group_of_[minimum_at][e.candidate] : std::string()});
    }
    SortList(list, candidate_ids_);
    const size_t slots = std::min(list.size(), static_cast<size_t>(options_.slots_per_opening));
    for (size_t p = 0; p < slots; ++p) plain_slots.push_back(list[p].candidate);
    if (!options_.minimum) continue;
    const RepresentativeList fair =
        RepresentativeRerank(list, options_.slots_per_opening, options_.minimum->group, options_.minimum->min_share);
    OpeningShortlist shortlist{*id, {}, fair.score_before, fair.score_after, fair.prefixes_short, false};
    for (size_t p = 0; p < fair.entries.size(); ++p) {
      fair_slots.push_back(fair.entries[p].candidate);
      shortlist.entries.push_back({candidate_ids_[fair.entries[p].candidate], fair.entries[p].score});
      shortlist.reordered |= fair.entries[p].candidate != list[p].candidate;
    }
    out.score_before += fair.score_before;
    out.score_after += fair.score_after;
    out.prefixes_short += fair.prefixes_short;
    out.openings_reordered += shortlist.reordered;
    out.shortlists.push_back(std::move(shortlist));
  }
  for (size_t a = 0; a < reported_.size(); ++a) {
    out.slot_exposure.push_back(MeasureExposure(reported_[a], group_of_[a], plain_slots));
  }
  if (options_.minimum) {
    out.representative_exposure = MeasureExposure(options_.minimum->attribute, group_of_[minimum_at], fair_slots);
    out.score_cost = out.score_before - out.score_after;
  }
  return out;
}

}  // namespace passerelle::engine
