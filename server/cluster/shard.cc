#include "server/cluster/shard.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/common/field_status.h"
#include "engine/common/status_macros.h"
#include "engine/model/resolve.h"
#include "engine/scoring/criteria/mobility.h"
#include "engine/store/record_codec.h"
#include "passerelle/cluster_log.pb.h"
#include "server/cluster/node.h"

namespace passerelle::cluster {
namespace {

// Centroid distances are computed in float by the kernel: a kilometre of slack keeps an opening right at
// the reach on the shard (holding one opening too many never changes an answer).
constexpr double kReachSlackKm = 1;

// Fills `opening` (by commune index) with the communes within `reach_km` of a commune marked in `inside`.
void MarkWithinReach(const engine::ReferenceData& data, const std::vector<uint8_t>& inside, double reach_km,
                     std::vector<uint8_t>& opening) {
  const auto communes = data.communes();
  std::vector<engine::UnitVector> positions;
  for (size_t i = 0; i < communes.size(); ++i) {
    if (inside[i]) positions.push_back(engine::UnitVectorFromDegrees(communes[i].latitude_deg, communes[i].longitude_deg));
  }
  // Compared as squared chords (d = 2 R asin(chord / 2)): no asin per pair of communes.
  const double half_angle = std::min((reach_km + kReachSlackKm) / (2.0 * engine::kEarthRadiusKm), M_PI / 2);
  const float limit_sq = static_cast<float>(4.0 * std::sin(half_angle) * std::sin(half_angle));
  for (size_t i = 0; i < communes.size(); ++i) {
    if (opening[i]) continue;
    const engine::UnitVector p = engine::UnitVectorFromDegrees(communes[i].latitude_deg, communes[i].longitude_deg);
    for (const engine::UnitVector& q : positions) {
      const float dx = p.x - q.x, dy = p.y - q.y, dz = p.z - q.z;
      if (dx * dx + dy * dy + dz * dz <= limit_sq) {
        opening[i] = 1;
        break;
      }
    }
  }
}

// The index of the records of `list` for which `holds` is false.
template <class Proto, class Holds>
std::vector<int> Skipped(const google::protobuf::RepeatedPtrField<Proto>& list, Holds holds) {
  std::vector<int> skipped;
  for (int i = 0; i < list.size(); ++i) {
    if (!holds(list[i])) skipped.push_back(i);
  }
  return skipped;
}

// Applies `record` with the records at `skipped` of `list` (a field of `held`, a copy of `record`) left out,
// then deletes this shard's copies of those; outcomes in the entry's order.
template <class Proto, class Delete>
absl::StatusOr<ApplyOutcome> ApplyHeld(engine::Catalog* catalog, const LogRecord& record, LogRecord& held,
                                       google::protobuf::RepeatedPtrField<Proto>* list,
                                       const std::vector<int>& skipped, Delete delete_copy) {
  const int total = list->size();
  std::vector<uint8_t> skip(total, 0);
  for (int i : skipped) skip[i] = 1;
  std::vector<std::string> skipped_ids;
  google::protobuf::RepeatedPtrField<Proto> kept;
  for (int i = 0; i < total; ++i) {
    if (skip[i]) {
      skipped_ids.push_back((*list)[i].id());
    } else {
      *kept.Add() = std::move((*list)[i]);
    }
  }
  list->Swap(&kept);
  ApplyOutcome outcome;
  outcome.puts.resize(total);
  if (list->size() > 0) {
    PASSERELLE_ASSIGN_OR_RETURN(ApplyOutcome applied, ApplyRecord(catalog, held));
    for (int i = 0, j = 0; i < total; ++i) {
      if (!skip[i]) outcome.puts[i] = std::move(applied.puts[j++]);
    }
  }
  // Puts first: should the store fail in between, the entry is applied again from the start.
  for (const std::string& id : skipped_ids) {
    absl::Status deleted = delete_copy(record.organisation(), id);
    if (!deleted.ok() && !absl::IsNotFound(deleted) && !absl::IsInvalidArgument(deleted)) return deleted;
  }
  return outcome;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Shard>> Shard::Create(const ShardOptions& options, const engine::ReferenceData& data) {
  if (options.regions.empty()) return std::unique_ptr<Shard>();
  if (!(options.opening_reach_km > 0 && options.opening_reach_km <= 20000)) {
    return engine::InvalidFieldError("cluster_opening_reach_km",
                                     absl::StrCat("must be in (0, 20000] km, got ", options.opening_reach_km));
  }
  absl::flat_hash_set<int32_t> regions;
  for (size_t i = 0; i < options.regions.size(); ++i) {
    std::optional<int32_t> region = data.FindRegion(options.regions[i]);
    if (!region) {
      return engine::InvalidFieldError(absl::StrCat("cluster_regions[", i, "]"),
                                       absl::StrCat("unknown INSEE région code \"", options.regions[i], "\""));
    }
    regions.insert(*region);
  }
  std::unique_ptr<Shard> shard(new Shard(data, options.opening_reach_km));
  shard->description_ = absl::StrJoin(options.regions, ",");
  const auto communes = data.communes();
  shard->candidate_commune_.resize(communes.size());
  for (size_t i = 0; i < communes.size(); ++i) shard->candidate_commune_[i] = regions.contains(communes[i].region_index);
  shard->opening_commune_ = shard->candidate_commune_;
  MarkWithinReach(data, shard->candidate_commune_, options.opening_reach_km, shard->opening_commune_);
  return shard;
}

bool Shard::HoldsCandidate(const v1::Candidate& candidate) const {
  std::optional<int32_t> commune = data_.FindCommune(candidate.commune_insee());
  return !commune || candidate_commune_[*commune];
}

bool Shard::HoldsOpening(const v1::Opening& opening) const {
  if (opening.housing_provided()) return true;
  std::optional<int32_t> commune = data_.FindCommune(opening.commune_insee());
  return !commune || opening_commune_[*commune];
}

void Shard::CheckReach(const v1::Candidate& candidate) const {
  absl::StatusOr<engine::Candidate> decoded = engine::CandidateFromProto(candidate);
  if (decoded.ok() && engine::scoring::EffectiveRadiusKm(*decoded) > reach_km_) {
    beyond_reach_.fetch_add(1, std::memory_order_relaxed);
  }
}

absl::StatusOr<ApplyOutcome> ApplyShardRecord(engine::Catalog* catalog, const Shard& shard, const LogRecord& record) {
  switch (record.write_case()) {
    case LogRecord::kPutCandidates: {
      const auto& list = record.put_candidates().candidates();
      const std::vector<int> skipped = Skipped(list, [&](const v1::Candidate& c) { return shard.HoldsCandidate(c); });
      for (int i = 0, s = 0; i < list.size(); ++i) {
        if (s < static_cast<int>(skipped.size()) && skipped[s] == i) {
          ++s;
        } else {
          shard.CheckReach(list[i]);
        }
      }
      if (skipped.empty()) return ApplyRecord(catalog, record);
      LogRecord held = record;
      return ApplyHeld(catalog, record, held, held.mutable_put_candidates()->mutable_candidates(), skipped,
                       [&](absl::string_view org, absl::string_view id) { return catalog->DeleteCandidate(org, id); });
    }
    case LogRecord::kPutOpenings: {
      const std::vector<int> skipped =
          Skipped(record.put_openings().openings(), [&](const v1::Opening& o) { return shard.HoldsOpening(o); });
      if (skipped.empty()) return ApplyRecord(catalog, record);
      LogRecord held = record;
      return ApplyHeld(catalog, record, held, held.mutable_put_openings()->mutable_openings(), skipped,
                       [&](absl::string_view org, absl::string_view id) { return catalog->DeleteOpening(org, id); });
    }
    case LogRecord::kDeleteCandidate:
    case LogRecord::kDeleteOpening: {
      PASSERELLE_ASSIGN_OR_RETURN(ApplyOutcome outcome, ApplyRecord(catalog, record));
      if (absl::IsNotFound(outcome.status)) outcome.status = absl::OkStatus();  // held by another shard
      return outcome;
    }
    default:
      return ApplyRecord(catalog, record);
  }
}

}  // namespace passerelle::cluster
