// A resolved candidate as a compact byte string, for the in-memory index.
//
// Why: the index holds every candidate (a million at national scale). As C++ objects a resolved candidate
// costs about 600 bytes (strings, vectors, their allocations); packed, 136 on average for a generated
// cohort. Queries read only the feature columns; the packed bytes are unpacked for the few rows a query
// explains, for the candidate a MatchOpenings query starts from, and for batch work.
//
// Format (unsigned LEB128 varints unless stated): id, owner_id and commune_index first, so that they can
// be read without unpacking the rest (PackedCandidateView); then the features a segment rebuilds its
// skill matrix, occupation and experience lists from (PackedFeatures); then every other field of the record. Floats
// are their 4 IEEE bytes (little-endian), so unpacking gives back exactly what was packed. Strings are a
// varint length and the bytes.
//
// Thread-safety: stateless functions.
#ifndef PASSERELLE_ENGINE_MODEL_CANDIDATE_PACK_H_
#define PASSERELLE_ENGINE_MODEL_CANDIDATE_PACK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/model/resolve.h"

namespace passerelle::engine {

// Appends the packed form of `candidate` to `out`.
void AppendPackedCandidate(const ResolvedCandidate& candidate, std::string* out);

// The inverse of AppendPackedCandidate: `packed` must be exactly the bytes it appended.
ResolvedCandidate UnpackCandidate(absl::string_view packed);

// The leading fields of packed bytes, read without unpacking the rest.
struct PackedCandidateView {
  explicit PackedCandidateView(absl::string_view packed);
  absl::string_view id;
  absl::string_view owner_id;
  int32_t commune_index = -1;
};

// The resolved skill indices (sorted, unique), occupations and past occupations with their years
// (ResolvedCandidate::experience; skipped when `experience` is null) of packed bytes, written into the
// vectors (cleared first): what a segment rebuilds its skill matrix and occupation and experience lists
// from, read without unpacking the strings.
void PackedFeatures(absl::string_view packed, std::vector<int32_t>* skill_indices,
                    std::vector<WeightedOccupation>* occupations,
                    std::vector<WeightedOccupation>* experience = nullptr);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_MODEL_CANDIDATE_PACK_H_
