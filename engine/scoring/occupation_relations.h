// How close one ROME occupation is to another, precomputed for every ordered pair (1,584^2 bytes, about
// 2.5 MB) so that the occupation criterion is a table look-up in the kernels, and as lists of the codes
// related to each code at all (same grand domaine or closer: about a tenth of them), so that a query's
// per-code look-up tables are filled for those codes only rather than for all 1,584.
//
// Thread-safety: immutable after construction.
#ifndef PASSERELLE_ENGINE_SCORING_OCCUPATION_RELATIONS_H_
#define PASSERELLE_ENGINE_SCORING_OCCUPATION_RELATIONS_H_

#include <array>
#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "engine/refdata/reference_data.h"

namespace passerelle::engine {

// Strongest first relation wins: the same code, a ROME mobility link, the same domaine professionnel,
// the same grand domaine.
enum class OccupationRelation : uint8_t {
  kNone = 0,
  kSameGrandDomaine = 1,
  kSameDomaine = 2,
  kMobilityLink = 3,
  kExact = 4,
};

class OccupationRelations {
 public:
  // A code related to another one (relation != kNone).
  struct Neighbour {
    int32_t code;
    OccupationRelation relation;
  };

  explicit OccupationRelations(const ReferenceData& data);

  // Relation from an occupation the candidate holds or wishes (`from`) to the opening's (`to`).
  OccupationRelation Relation(int32_t from, int32_t to) const {
    return static_cast<OccupationRelation>(table_[static_cast<size_t>(from) * count_ + to]);
  }
  float Score(int32_t from, int32_t to) const { return kScoreByRelation[table_[static_cast<size_t>(from) * count_ + to]]; }
  static float RelationScore(OccupationRelation relation);
  // RelationScore indexed by the enum's value, for the hot paths.
  static const std::array<float, 5> kScoreByRelation;
  int32_t count() const { return count_; }

  // The codes `to` with Relation(from, to) != kNone (`from` itself included), ascending.
  absl::Span<const Neighbour> RelatedFrom(int32_t from) const { return Slice(from_offsets_, from_, from); }
  // The codes `from` with Relation(from, to) != kNone (`to` itself included), ascending.
  absl::Span<const Neighbour> RelatedTo(int32_t to) const { return Slice(to_offsets_, to_, to); }

 private:
  // Builds the lists of related codes from the table.
  void IndexRelated();
  static absl::Span<const Neighbour> Slice(const std::vector<uint32_t>& offsets, const std::vector<Neighbour>& all,
                                           int32_t code) {
    return absl::MakeConstSpan(all).subspan(offsets[code], offsets[code + 1] - offsets[code]);
  }

  int32_t count_ = 0;
  std::vector<uint8_t> table_;  // row-major [from * count_ + to]
  // Compressed rows and columns of the table without its kNone entries.
  std::vector<uint32_t> from_offsets_, to_offsets_;
  std::vector<Neighbour> from_, to_;
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_SCORING_OCCUPATION_RELATIONS_H_
