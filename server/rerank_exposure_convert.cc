#include "server/rerank_exposure_convert.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "engine/common/field_status.h"
#include "engine/common/quote.h"
#include "engine/common/status_macros.h"
#include "engine/store/record_key.h"

namespace passerelle::server {
namespace {

constexpr char kAttributeNames[] = "\"french_band\", \"housing\", \"transport_mode\" or \"departement\"";

absl::StatusOr<engine::WatchedAttribute> AttributeFromProto(const std::string& name, absl::string_view field) {
  const std::optional<engine::WatchedAttribute> attribute = engine::WatchedAttributeFromName(name);
  if (!attribute) {
    return engine::InvalidFieldError(field, absl::StrCat("unknown attribute ", engine::Quote(name), "; use ",
                                                         kAttributeNames));
  }
  return *attribute;
}

}  // namespace

absl::StatusOr<engine::RerankExposureOptions> RerankExposureOptionsFromProto(const v1::RerankRequest& request,
                                                                             int max_k,
                                                                             const engine::ReferenceData& data) {
  engine::RerankExposureOptions options;
  for (int i = 0; i < request.exposure_attributes_size(); ++i) {
    PASSERELLE_ASSIGN_OR_RETURN(engine::WatchedAttribute attribute,
                                AttributeFromProto(request.exposure_attributes(i),
                                                   absl::StrCat("exposure_attributes[", i, "]")));
    options.attributes.push_back(attribute);
  }
  const int32_t slots = request.slots_per_opening();
  if (slots < 0 || slots > max_k) {
    return engine::InvalidFieldError("slots_per_opening", absl::StrCat("must be in [0, ", max_k, "] (0 = ",
                                                                       kDefaultSlotsPerOpening, "), got ", slots));
  }
  options.slots_per_opening = slots == 0 ? kDefaultSlotsPerOpening : slots;
  if (request.has_min_exposure()) {
    const v1::MinimumExposure& m = request.min_exposure();
    engine::MinimumExposure minimum;
    PASSERELLE_ASSIGN_OR_RETURN(minimum.attribute, AttributeFromProto(m.attribute(), "min_exposure.attribute"));
    minimum.group = m.group();
    minimum.min_share = m.min_share();
    options.minimum = std::move(minimum);
  }
  PASSERELLE_RETURN_IF_ERROR(engine::ValidateRerankExposureOptions(options, data));
  return options;
}

void ExposureReportToProto(const engine::ExposureReport& report, v1::ExposureByAttribute* out) {
  out->set_attribute(engine::WatchedAttributeName(report.attribute));
  out->set_pool_size(report.pool_size);
  out->set_slots(report.slots);
  for (const engine::GroupExposure& g : report.groups) {
    v1::GroupExposure* group = out->add_groups();
    group->set_group(g.group);
    group->set_pool_count(g.pool_count);
    group->set_pool_share(g.pool_share);
    group->set_slot_count(g.slot_count);
    group->set_slot_share(g.slot_share);
    group->set_exposure_ratio(g.exposure_ratio);
  }
}

void OpeningShortlistToProto(const engine::OpeningShortlist& shortlist, v1::OpeningShortlist* out) {
  out->set_opening_id(std::string(engine::UnqualifiedId(shortlist.opening_id)));
  for (const engine::ShortlistEntry& e : shortlist.entries) {
    v1::ShortlistEntry* entry = out->add_entries();
    entry->set_candidate_id(std::string(engine::UnqualifiedId(e.candidate_id)));
    entry->set_score(e.score);
  }
  out->set_score_before(shortlist.score_before);
  out->set_score_after(shortlist.score_after);
  out->set_prefixes_short(shortlist.prefixes_short);
  out->set_reordered(shortlist.reordered);
}

void RerankExposureToProto(const engine::RerankExposure& exposure, v1::RerankExposure* out) {
  out->set_slots_per_opening(exposure.slots_per_opening);
  out->set_opening_lists(exposure.opening_lists);
  for (const engine::ExposureReport& r : exposure.slot_exposure) ExposureReportToProto(r, out->add_slot_exposure());
  if (!exposure.minimum) return;
  v1::MinimumExposure* m = out->mutable_min_exposure();
  m->set_attribute(engine::WatchedAttributeName(exposure.minimum->attribute));
  m->set_group(exposure.minimum->group);
  m->set_min_share(exposure.minimum->min_share);
  ExposureReportToProto(exposure.representative_exposure, out->mutable_representative_exposure());
  out->set_score_before(exposure.score_before);
  out->set_score_after(exposure.score_after);
  out->set_score_cost(exposure.score_cost);
  out->set_prefixes_short(exposure.prefixes_short);
  out->set_openings_reordered(exposure.openings_reordered);
}

}  // namespace passerelle::server
