// Adapters that present one side of a pair to the scoring kernel as Eigen array expressions of length n:
// either a segment's columns (many rows) or a single record broadcast to n rows. The kernel is written
// once against this interface, so the same formulas score an opening against all candidates, a candidate
// against all openings, and one explained pair (n = 1).
#ifndef PASSERELLE_ENGINE_SCORING_FEATURE_SOURCES_H_
#define PASSERELLE_ENGINE_SCORING_FEATURE_SOURCES_H_

#include "engine/index/candidate_segment.h"
#include "engine/index/opening_segment.h"
#include "engine/model/resolve.h"
#include "engine/scoring/pair_kernel.h"

namespace passerelle::engine::scoring {

using ConstantFloats = decltype(FloatColumn::Constant(0, 0.0f));
using ConstantMasks = decltype(MaskColumn::Constant(0, 0u));

using ColumnMap = Eigen::Map<const FloatColumn>;
using MaskMap = Eigen::Map<const MaskColumn>;

// Candidate side, many rows: the first n rows of a set of candidate columns, either a segment's own or
// a block gathered from it (CandidateBlock). One type for both, so that both run the very same
// compiled kernel and score a pair bit for bit the same.
class CandidateColumns {
 public:
  template <class Columns>
  CandidateColumns(const Columns& s, Eigen::Index n)
      : x_(s.x.data()), y_(s.y.data()), z_(s.z.data()), radius_km_(s.radius_km.data()),
        french_level_(s.french_level.data()), french_attested_(s.french_attested.data()),
        french_hours_planned_(s.french_hours_planned.data()), needs_housing_locally_(s.needs_housing_locally.data()),
        relocation_accepted_(s.relocation_accepted.data()), driving_licence_(s.driving_licence.data()),
        right_to_work_(s.right_to_work.data()), available_from_(s.available_from.data()),
        accepted_contracts_(s.accepted_contracts.data()), weekly_availability_(s.weekly_availability.data()), n_(n) {}
  ColumnMap x() const { return F(x_); }
  ColumnMap y() const { return F(y_); }
  ColumnMap z() const { return F(z_); }
  ColumnMap radius_km() const { return F(radius_km_); }
  ColumnMap french_level() const { return F(french_level_); }
  ColumnMap french_attested() const { return F(french_attested_); }
  ColumnMap french_hours_planned() const { return F(french_hours_planned_); }
  ColumnMap needs_housing_locally() const { return F(needs_housing_locally_); }
  ColumnMap relocation_accepted() const { return F(relocation_accepted_); }
  ColumnMap driving_licence() const { return F(driving_licence_); }
  ColumnMap right_to_work() const { return F(right_to_work_); }
  ColumnMap available_from() const { return F(available_from_); }
  MaskMap accepted_contracts() const { return MaskMap(accepted_contracts_, n_); }
  MaskMap weekly_availability() const { return MaskMap(weekly_availability_, n_); }

 private:
  ColumnMap F(const float* p) const { return ColumnMap(p, n_); }
  const float *x_, *y_, *z_, *radius_km_, *french_level_, *french_attested_, *french_hours_planned_,
      *needs_housing_locally_, *relocation_accepted_, *driving_licence_, *right_to_work_, *available_from_;
  const uint32_t *accepted_contracts_, *weekly_availability_;
  Eigen::Index n_;
};

// Opening side, many rows: the first n rows of a segment's opening columns or of a gathered OpeningBlock
// (one type for both, as for candidates).
class OpeningColumns {
 public:
  template <class Columns>
  OpeningColumns(const Columns& s, Eigen::Index n)
      : x_(s.x.data()), y_(s.y.data()), z_(s.z.data()), french_min_level_(s.french_min_level.data()),
        french_requirement_(s.french_requirement.data()), french_training_hours_(s.french_training_hours.data()),
        licence_requirement_(s.licence_requirement.data()), start_date_(s.start_date.data()),
        housing_provided_(s.housing_provided.data()), tension_(s.tension.data()),
        contract_bit_(s.contract_bit.data()), weekly_schedule_(s.weekly_schedule.data()), n_(n) {}
  ColumnMap x() const { return F(x_); }
  ColumnMap y() const { return F(y_); }
  ColumnMap z() const { return F(z_); }
  ColumnMap french_min_level() const { return F(french_min_level_); }
  ColumnMap french_requirement() const { return F(french_requirement_); }
  ColumnMap french_training_hours() const { return F(french_training_hours_); }
  ColumnMap licence_requirement() const { return F(licence_requirement_); }
  ColumnMap start_date() const { return F(start_date_); }
  ColumnMap housing_provided() const { return F(housing_provided_); }
  ColumnMap tension() const { return F(tension_); }
  MaskMap contract_bit() const { return MaskMap(contract_bit_, n_); }
  MaskMap weekly_schedule() const { return MaskMap(weekly_schedule_, n_); }

 private:
  ColumnMap F(const float* p) const { return ColumnMap(p, n_); }
  const float *x_, *y_, *z_, *french_min_level_, *french_requirement_, *french_training_hours_,
      *licence_requirement_, *start_date_, *housing_provided_, *tension_;
  const uint32_t *contract_bit_, *weekly_schedule_;
  Eigen::Index n_;
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

// ScorePairs for the two segment directions, compiled once in pair_kernel.cc: every block of a
// direction, a whole segment or gathered rows, runs the same machine code, so a pair's scores do not
// depend on which rows were scored with it (see kBlockRowMultiple for the other half of that promise).
void ScoreCandidateBlock(const CandidateColumns& c, const OpeningBroadcast& o, const FloatColumn& occupation,
                         const FloatColumn& skills, const FloatColumn& missing_required, const KernelParams& params,
                         BlockScores* out);
void ScoreOpeningBlock(const CandidateBroadcast& c, const OpeningColumns& o, const FloatColumn& occupation,
                       const FloatColumn& skills, const FloatColumn& missing_required, const KernelParams& params,
                       BlockScores* out);

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_FEATURE_SOURCES_H_
