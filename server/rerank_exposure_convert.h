// Conversions for the fair-exposure part of Rerank (docs/batch.md, "Fair exposure of re-ranks"): the
// request's exposure fields into engine options, and the report and shortlists into messages.
//
// Thread-safety: stateless functions.
#ifndef PASSERELLE_SERVER_RERANK_EXPOSURE_CONVERT_H_
#define PASSERELLE_SERVER_RERANK_EXPOSURE_CONVERT_H_

#include "absl/status/statusor.h"
#include "engine/batch/rerank_exposure.h"
#include "passerelle/v1/matching.pb.h"

namespace passerelle::server {

// Default of RerankRequest.slots_per_opening when left at 0.
inline constexpr int kDefaultSlotsPerOpening = 10;

// Checks exposure_attributes, slots_per_opening (against max_k) and min_exposure; errors name the field
// ("min_exposure.min_share: must be in [0, 1], got 1.5").
absl::StatusOr<engine::RerankExposureOptions> RerankExposureOptionsFromProto(const v1::RerankRequest& request,
                                                                             int max_k,
                                                                             const engine::ReferenceData& data);

void ExposureReportToProto(const engine::ExposureReport& report, v1::ExposureByAttribute* out);

// Ids are answered unqualified, as everywhere in the API.
void OpeningShortlistToProto(const engine::OpeningShortlist& shortlist, v1::OpeningShortlist* out);
void RerankExposureToProto(const engine::RerankExposure& exposure, v1::RerankExposure* out);

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_RERANK_EXPOSURE_CONVERT_H_
