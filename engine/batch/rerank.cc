#include "engine/batch/rerank.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"

namespace passerelle::engine {
namespace {

using OpeningSnapshot = MatchIndex::OpeningTable::Snapshot;

// What a candidate needs to know of a block of openings to skip it without scoring.
struct BlockSummary {
  UnitVector center;
  float radius_km = 0;            // every opening of the block is within this of the center
  bool any_housing = false;       // some opening provides housing (a move is possible)
  uint32_t contracts = 0;         // union of the block's contract bits
  int64_t rows = 0;
};

// Interleaves the bits of quantised latitude and longitude: nearby places get nearby codes.
uint64_t MortonCode(double latitude_deg, double longitude_deg) {
  const auto lat = static_cast<uint32_t>((latitude_deg + 90.0) / 180.0 * 65535.0);
  const auto lon = static_cast<uint32_t>((longitude_deg + 180.0) / 360.0 * 65535.0);
  uint64_t code = 0;
  for (int bit = 0; bit < 16; ++bit) {
    code |= static_cast<uint64_t>((lat >> bit) & 1u) << (2 * bit + 1);
    code |= static_cast<uint64_t>((lon >> bit) & 1u) << (2 * bit);
  }
  return code;
}

// The openings of `snapshot` regrouped into geographically compact blocks, with their summaries.
struct GeoBlocks {
  std::vector<std::shared_ptr<const OpeningSegment>> segments;
  std::vector<BlockSummary> summaries;
};

GeoBlocks BuildGeoBlocks(const OpeningSnapshot& snapshot, const ReferenceData& data) {
  std::vector<std::shared_ptr<const ResolvedOpening>> openings;
  for (const auto& segment : snapshot.segments) {
    for (int row = 0; row < OpeningSegment::kRows; ++row) {
      if (segment->record(row)) openings.push_back(segment->record(row));
    }
  }
  // Openings that provide housing first (the only ones a far candidate who would move can take), then
  // along a Morton curve over latitude and longitude, so that each block covers a compact area.
  auto key = [&](const ResolvedOpening& o) {
    const Commune& c = data.communes()[o.commune_index];
    return std::tuple(!o.record.housing_provided, MortonCode(c.latitude_deg, c.longitude_deg), o.record.id);
  };
  std::sort(openings.begin(), openings.end(), [&](auto& a, auto& b) { return key(*a) < key(*b); });
  GeoBlocks blocks;
  for (size_t begin = 0; begin < openings.size(); begin += OpeningSegment::kRows) {
    auto segment = std::make_shared<OpeningSegment>();
    BlockSummary summary;
    const size_t end = std::min(openings.size(), begin + OpeningSegment::kRows);
    double x = 0, y = 0, z = 0;
    for (size_t i = begin; i < end; ++i) {
      const ResolvedOpening& o = *openings[i];
      segment->Set(static_cast<int>(i - begin), openings[i]);
      x += o.position.x, y += o.position.y, z += o.position.z;
      summary.any_housing |= o.record.housing_provided;
      summary.contracts |= ContractBit(o.record.contract);
    }
    segment->Finish();
    const double norm = std::max(1e-12, std::sqrt(x * x + y * y + z * z));
    summary.center = {static_cast<float>(x / norm), static_cast<float>(y / norm), static_cast<float>(z / norm)};
    for (size_t i = begin; i < end; ++i) {
      summary.radius_km = std::max(summary.radius_km, GreatCircleKm(summary.center, openings[i]->position));
    }
    summary.rows = static_cast<int64_t>(end - begin);
    blocks.segments.push_back(std::move(segment));
    blocks.summaries.push_back(summary);
  }
  return blocks;
}

// True when no opening of the block can be eligible for the candidate.
bool CannotBeEligible(const ResolvedCandidate& c, const BlockSummary& block) {
  const uint32_t accepted = c.record.accepted_contracts;
  if (accepted != 0 && (accepted & block.contracts) == 0) return true;
  const bool may_move = c.record.relocation_accepted && block.any_housing;
  // 1 km of slack covers float rounding in the kernel's distance.
  return !may_move && GreatCircleKm(c.position, block.center) - block.radius_km > c.radius_km + 1.0f;
}

std::vector<std::shared_ptr<const ResolvedCandidate>> Cohort(const MatchIndex& index, const RerankOptions& options) {
  std::vector<std::shared_ptr<const ResolvedCandidate>> cohort;
  const auto snapshot = options.candidate_snapshot ? options.candidate_snapshot : index.CandidateSnapshot();
  for (const auto& segment : snapshot->segments) {
    for (int row = 0; row < CandidateSegment::kRows; ++row) {
      const auto& c = segment->record(row);
      if (!c) continue;
      if (!options.owner_id.empty() && c->record.owner_id != options.owner_id) continue;
      if (!options.departements.empty()) {
        const std::string& dept = index.data().communes()[c->commune_index].departement_code;
        if (std::find(options.departements.begin(), options.departements.end(), dept) == options.departements.end()) {
          continue;
        }
      }
      cohort.push_back(c);
    }
  }
  return cohort;
}

}  // namespace

absl::Status Rerank(const MatchIndex& index, const ScoringProfile& profile, const RerankOptions& options,
                    const std::function<void(CandidateRanking)>& sink,
                    const std::function<void(const RerankProgress&)>& progress) {
  if (options.threads < 1 || options.threads > 64) return absl::InvalidArgumentError("threads: must be in [1, 64]");
  if (options.progress_every < 1) return absl::InvalidArgumentError("progress_every: must be >= 1");
  MatchQuery query;
  query.k = options.k;
  query.occupations = options.occupations;
  query.explain = options.explain;
  PASSERELLE_RETURN_IF_ERROR(ValidateMatchQuery(query, index.data()));
  PASSERELLE_RETURN_IF_ERROR(ValidateScoringProfile(profile));

  const auto start = std::chrono::steady_clock::now();
  const GeoBlocks blocks =
      BuildGeoBlocks(options.opening_snapshot ? *options.opening_snapshot : *index.OpeningSnapshot(), index.data());
  const auto cohort = Cohort(index, options);
  std::mutex out_mu;  // serialises sink and progress
  RerankProgress totals;
  totals.candidates_total = static_cast<int64_t>(cohort.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> stopped{false};
  absl::Status first_error;

  auto worker = [&] {
    for (size_t i = next++; i < cohort.size(); i = next++) {
      if (stopped.load(std::memory_order_relaxed)) return;
      if (options.cancelled && options.cancelled()) {
        stopped = true;
        return;
      }
      const ResolvedCandidate& c = *cohort[i];
      OpeningSnapshot reachable;
      int64_t pruned = 0;
      for (size_t b = 0; b < blocks.segments.size(); ++b) {
        if (!c.record.right_to_work || CannotBeEligible(c, blocks.summaries[b])) {
          pruned += blocks.summaries[b].rows;
        } else {
          reachable.segments.push_back(blocks.segments[b]);
        }
      }
      absl::StatusOr<MatchResult> result = index.MatchOpeningsIn(reachable, c, query, profile);
      std::lock_guard<std::mutex> lock(out_mu);
      if (!result.ok()) {
        if (first_error.ok()) first_error = result.status();
        continue;
      }
      totals.pairs_scored += result->scored;
      totals.pairs_pruned += pruned;
      ++totals.candidates_done;
      sink(CandidateRanking{c.record.id, std::move(result->matches)});
      if (totals.candidates_done % options.progress_every == 0) {
        totals.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        progress(totals);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < options.threads; ++t) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  if (stopped) {
    return absl::CancelledError(absl::StrCat("re-ranking cancelled after ", totals.candidates_done, " of ",
                                             totals.candidates_total, " candidates"));
  }
  totals.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress(totals);
  return first_error;
}

}  // namespace passerelle::engine
