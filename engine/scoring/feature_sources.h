// Adapters that present one side of a pair to the scoring kernel as Eigen array expressions of length n:
// either a segment's columns (many rows) or a single record broadcast to n rows. The kernel is written
// once against this interface, so the same formulas score an opening against all candidates, a candidate
// against all openings, and one explained pair (n = 1).
#ifndef PASSERELLE_ENGINE_SCORING_FEATURE_SOURCES_H_
#define PASSERELLE_ENGINE_SCORING_FEATURE_SOURCES_H_

#include "engine/columns/candidate_segment.h"
#include "engine/columns/features.h"
#include "engine/columns/opening_segment.h"
#include "engine/model/resolve.h"
#include "engine/scoring/pair_kernel.h"

namespace passerelle::engine::scoring {

// Generated accessors (one per feature of engine/columns/features.h).
#define PASSERELLE_COLUMN_POINTER(name, type, neutral, encoding) const type* name##_;
#define PASSERELLE_COLUMN_INIT(name, type, neutral, encoding) name##_(s.name.data()),
#define PASSERELLE_COLUMN_VIEW(name, type, neutral, encoding) \
  Eigen::Map<const Column<type>> name() const { return Eigen::Map<const Column<type>>(name##_, n_); }
#define PASSERELLE_COLUMN_SHIFT(name, type, neutral, encoding) rows.name##_ += begin;
#define PASSERELLE_BROADCAST_VIEW(name, type, neutral, encoding) \
  decltype(Column<type>::Constant(0, type{})) name() const { return Column<type>::Constant(n_, f_.name); }

// Candidate side, many rows: the first n rows of a set of candidate columns, either a segment's own or
// a block gathered from it (CandidateBlock). One type for both, so that both run the very same
// compiled kernel and score a pair bit for bit the same.
class CandidateColumns {
 public:
  template <class Columns>
  CandidateColumns(const Columns& s, Eigen::Index n) : PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_COLUMN_INIT) n_(n) {}
  PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_COLUMN_VIEW)
  // Rows [begin, begin + n) of these (a chunk of the block the kernel scores at a time).
  CandidateColumns Rows(Eigen::Index begin, Eigen::Index n) const {
    CandidateColumns rows = *this;
    PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_COLUMN_SHIFT)
    rows.n_ = n;
    return rows;
  }

 private:
  PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_COLUMN_POINTER)
  Eigen::Index n_;
};

// Opening side, many rows: the first n rows of a segment's opening columns or of a gathered OpeningBlock
// (one type for both, as for candidates).
class OpeningColumns {
 public:
  template <class Columns>
  OpeningColumns(const Columns& s, Eigen::Index n) : PASSERELLE_OPENING_FEATURES(PASSERELLE_COLUMN_INIT) n_(n) {}
  PASSERELLE_OPENING_FEATURES(PASSERELLE_COLUMN_VIEW)
  // Rows [begin, begin + n) of these (a chunk of the block the kernel scores at a time).
  OpeningColumns Rows(Eigen::Index begin, Eigen::Index n) const {
    OpeningColumns rows = *this;
    PASSERELLE_OPENING_FEATURES(PASSERELLE_COLUMN_SHIFT)
    rows.n_ = n;
    return rows;
  }

 private:
  PASSERELLE_OPENING_FEATURES(PASSERELLE_COLUMN_POINTER)
  Eigen::Index n_;
};

// One candidate repeated n times (constant expressions: nothing is materialised). Encoded by the same
// function as a segment row, so a pair scores the same whichever way it is computed.
class CandidateBroadcast {
 public:
  CandidateBroadcast(const ResolvedCandidate& c, Eigen::Index n) : f_(EncodeCandidateRow(c)), n_(n) {}
  CandidateBroadcast(const CandidateRowFeatures& f, Eigen::Index n) : f_(f), n_(n) {}
  PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_BROADCAST_VIEW)
  // The same record on n rows (any chunk of a block).
  CandidateBroadcast Rows(Eigen::Index /*begin*/, Eigen::Index n) const {
    CandidateBroadcast rows = *this;
    rows.n_ = n;
    return rows;
  }

 private:
  CandidateRowFeatures f_;
  Eigen::Index n_;
};

// One opening repeated n times.
class OpeningBroadcast {
 public:
  OpeningBroadcast(const ResolvedOpening& o, Eigen::Index n) : f_(EncodeOpeningRow(o)), n_(n) {}
  OpeningBroadcast(const OpeningRowFeatures& f, Eigen::Index n) : f_(f), n_(n) {}
  PASSERELLE_OPENING_FEATURES(PASSERELLE_BROADCAST_VIEW)
  // The same record on n rows (any chunk of a block).
  OpeningBroadcast Rows(Eigen::Index /*begin*/, Eigen::Index n) const {
    OpeningBroadcast rows = *this;
    rows.n_ = n;
    return rows;
  }

 private:
  OpeningRowFeatures f_;
  Eigen::Index n_;
};

#undef PASSERELLE_COLUMN_POINTER
#undef PASSERELLE_COLUMN_INIT
#undef PASSERELLE_COLUMN_VIEW
#undef PASSERELLE_COLUMN_SHIFT
#undef PASSERELLE_BROADCAST_VIEW

// ScorePairs for the two segment directions and for one pair, on the active vector path
// (engine/scoring/kernel_dispatch.h): every block of a direction, a whole segment or gathered rows, runs
// the same machine code, so a pair's scores do not depend on which rows were scored with it (see
// kBlockRowMultiple for the other half of that promise).
void ScoreCandidateBlock(const CandidateColumns& c, const OpeningBroadcast& o, const FloatColumn& occupation,
                         const FloatColumn& skills, const FloatColumn& missing_required,
                         const FloatColumn& credited_experience_months, const KernelParams& params,
                         BlockScores* out);
void ScoreOpeningBlock(const CandidateBroadcast& c, const OpeningColumns& o, const FloatColumn& occupation,
                       const FloatColumn& skills, const FloatColumn& missing_required,
                       const FloatColumn& credited_experience_months, const KernelParams& params,
                       BlockScores* out);
void ScoreOnePair(const CandidateBroadcast& c, const OpeningBroadcast& o, const FloatColumn& occupation,
                  const FloatColumn& skills, const FloatColumn& missing_required,
                  const FloatColumn& credited_experience_months, const KernelParams& params,
                  BlockScores* out);

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_FEATURE_SOURCES_H_
