// Adapters that present one side of a pair to the scoring kernel as Eigen array expressions of length n:
// either a segment's columns (many rows) or a single record broadcast to n rows. The kernel is written
// once against this interface, so the same formulas score an opening against all candidates, a candidate
// against all openings, and one explained pair (n = 1).
#ifndef PASSERELLE_ENGINE_SCORING_FEATURE_SOURCES_H_
#define PASSERELLE_ENGINE_SCORING_FEATURE_SOURCES_H_

#include "engine/index/candidate_segment.h"
#include "engine/index/opening_segment.h"
#include "engine/model/resolve.h"

namespace passerelle::engine::scoring {

using ConstantFloats = decltype(FloatColumn::Constant(0, 0.0f));
using ConstantMasks = decltype(MaskColumn::Constant(0, 0u));

// Candidate side, many rows: the first n rows of the segment's columns.
struct CandidateColumns {
  const CandidateSegment& s;
  Eigen::Index n;
  auto x() const { return s.x.head(n); }
  auto y() const { return s.y.head(n); }
  auto z() const { return s.z.head(n); }
  auto radius_km() const { return s.radius_km.head(n); }
  auto french_level() const { return s.french_level.head(n); }
  auto french_attested() const { return s.french_attested.head(n); }
  auto french_hours_planned() const { return s.french_hours_planned.head(n); }
  auto needs_housing_locally() const { return s.needs_housing_locally.head(n); }
  auto relocation_accepted() const { return s.relocation_accepted.head(n); }
  auto driving_licence() const { return s.driving_licence.head(n); }
  auto right_to_work() const { return s.right_to_work.head(n); }
  auto available_from() const { return s.available_from.head(n); }
  auto accepted_contracts() const { return s.accepted_contracts.head(n); }
  auto weekly_availability() const { return s.weekly_availability.head(n); }
};

// Opening side, many rows: the first n rows of the segment's columns.
struct OpeningColumns {
  const OpeningSegment& s;
  Eigen::Index n;
  auto x() const { return s.x.head(n); }
  auto y() const { return s.y.head(n); }
  auto z() const { return s.z.head(n); }
  auto french_min_level() const { return s.french_min_level.head(n); }
  auto french_requirement() const { return s.french_requirement.head(n); }
  auto french_training_hours() const { return s.french_training_hours.head(n); }
  auto licence_requirement() const { return s.licence_requirement.head(n); }
  auto start_date() const { return s.start_date.head(n); }
  auto housing_provided() const { return s.housing_provided.head(n); }
  auto tension() const { return s.tension.head(n); }
  auto contract_bit() const { return s.contract_bit.head(n); }
  auto weekly_schedule() const { return s.weekly_schedule.head(n); }
};

// One candidate repeated n times (constant expressions: nothing is materialised). Encoded by the same
// function as a segment row, so a pair scores the same whichever way it is computed.
class CandidateBroadcast {
 public:
  CandidateBroadcast(const ResolvedCandidate& c, Eigen::Index n) : f_(EncodeCandidateRow(c)), n_(n) {}
  ConstantFloats x() const { return F(f_.x); }
  ConstantFloats y() const { return F(f_.y); }
  ConstantFloats z() const { return F(f_.z); }
  ConstantFloats radius_km() const { return F(f_.radius_km); }
  ConstantFloats french_level() const { return F(f_.french_level); }
  ConstantFloats french_attested() const { return F(f_.french_attested); }
  ConstantFloats french_hours_planned() const { return F(f_.french_hours_planned); }
  ConstantFloats needs_housing_locally() const { return F(f_.needs_housing_locally); }
  ConstantFloats relocation_accepted() const { return F(f_.relocation_accepted); }
  ConstantFloats driving_licence() const { return F(f_.driving_licence); }
  ConstantFloats right_to_work() const { return F(f_.right_to_work); }
  ConstantFloats available_from() const { return F(f_.available_from); }
  ConstantMasks accepted_contracts() const { return MaskColumn::Constant(n_, f_.accepted_contracts); }
  ConstantMasks weekly_availability() const { return MaskColumn::Constant(n_, f_.weekly_availability); }

 private:
  ConstantFloats F(float v) const { return FloatColumn::Constant(n_, v); }
  CandidateRowFeatures f_;
  Eigen::Index n_;
};

// One opening repeated n times.
class OpeningBroadcast {
 public:
  OpeningBroadcast(const ResolvedOpening& o, Eigen::Index n) : f_(EncodeOpeningRow(o)), n_(n) {}
  ConstantFloats x() const { return F(f_.x); }
  ConstantFloats y() const { return F(f_.y); }
  ConstantFloats z() const { return F(f_.z); }
  ConstantFloats french_min_level() const { return F(f_.french_min_level); }
  ConstantFloats french_requirement() const { return F(f_.french_requirement); }
  ConstantFloats french_training_hours() const { return F(f_.french_training_hours); }
  ConstantFloats licence_requirement() const { return F(f_.licence_requirement); }
  ConstantFloats start_date() const { return F(f_.start_date); }
  ConstantFloats housing_provided() const { return F(f_.housing_provided); }
  ConstantFloats tension() const { return F(f_.tension); }
  ConstantMasks contract_bit() const { return MaskColumn::Constant(n_, f_.contract_bit); }
  ConstantMasks weekly_schedule() const { return MaskColumn::Constant(n_, f_.weekly_schedule); }

 private:
  ConstantFloats F(float v) const { return FloatColumn::Constant(n_, v); }
  OpeningRowFeatures f_;
  Eigen::Index n_;
};

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_FEATURE_SOURCES_H_
