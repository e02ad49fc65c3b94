#include "engine/scoring/row_selection.h"

namespace passerelle::engine::scoring {

// The selections and gathers are compiled per instruction set (engine/scoring/kernel_variant.cc) and
// reached through engine/scoring/kernel_dispatch.cc; the blocks' storage is allocated here.

CandidateBlock::CandidateBlock() {
#define PASSERELLE_INIT(name, type, neutral, encoding) name = Column<type>::Constant(CandidateSegment::kRows, neutral);
  PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_INIT)
#undef PASSERELLE_INIT
}

OpeningBlock::OpeningBlock() {
#define PASSERELLE_INIT(name, type, neutral, encoding) name = Column<type>::Constant(OpeningSegment::kRows, neutral);
  PASSERELLE_OPENING_FEATURES(PASSERELLE_INIT)
#undef PASSERELLE_INIT
}

}  // namespace passerelle::engine::scoring
