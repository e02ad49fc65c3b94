#include "engine/scoring/row_selection.h"

namespace passerelle::engine::scoring {

// The selections and gathers are compiled per instruction set (engine/scoring/kernel_variant.cc) and
// reached through engine/scoring/kernel_dispatch.cc; the blocks' storage is allocated here, once per
// query and thread, and not filled: a gather writes every row the kernel then reads ([0, padded())).

CandidateBlock::CandidateBlock() {
#define PASSERELLE_INIT(name, type, neutral, encoding) name.resize(CandidateSegment::kRows);
  PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_INIT)
#undef PASSERELLE_INIT
}

OpeningBlock::OpeningBlock() {
#define PASSERELLE_INIT(name, type, neutral, encoding) name.resize(OpeningSegment::kRows);
  PASSERELLE_OPENING_FEATURES(PASSERELLE_INIT)
#undef PASSERELLE_INIT
}

}  // namespace passerelle::engine::scoring
