// France Travail "Offres d'emploi v2" offer (proto/passerelle/v1/francetravail.proto) -> engine::Opening,
// field by field as docs/francetravail.md says. Written once, on the server, so that every client (the
// CLI, a platform in any language) gets the same mapping; a plain function of its inputs, so that fuzz
// targets and unit tests call it without a server.
//
// An offer that cannot be placed (no commune) or classified (no ROME 4.0 occupation, no salaried
// contract) or has no usable id fails with InvalidArgument naming the published field
// ("lieuTravail.codePostal: ..."). Everything else maps: what cannot be interpreted is kept verbatim in
// display_fields and noted.
//
// Thread-safety: OfferMapper is immutable after construction; Map() may run concurrently.
#ifndef PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_MAPPING_H_
#define PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_MAPPING_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/model/offer_fields.h"
#include "engine/model/resolve.h"
#include "engine/model/types.h"
#include "engine/refdata/commune_lookup.h"
#include "engine/refdata/reference_data.h"
#include "passerelle/v1/francetravail.pb.h"

namespace passerelle::server::francetravail {

// The source name used when an import names none.
inline constexpr char kDefaultSource[] = "francetravail";
// Longest value kept in a display field; longer ones (a long description) are cut at a UTF-8 boundary
// and noted.
inline constexpr size_t kMaxDisplayValueBytes = engine::kMaxDisplayValueBytes;  // what a record accepts
// Days an offer stays after its last update (dateActualisation) when an import that is not a sync
// names no lifetime; the published format carries no expiry. Imports may ask 1..kMaxLifetimeDays.
inline constexpr int kDefaultLifetimeDays = 60;
inline constexpr int kMaxLifetimeDays = 3650;
// Farthest a commune centroid may be from the published coordinates to be taken as the offer's place.
inline constexpr double kMaxNearestCommuneKm = 30;

struct MappingOptions {
  // Stored in Opening::source. Default: "francetravail".
  std::string source = kDefaultSource;
  // Pseudonymous employer id of a SIRET (a keyed hash); empty: the SIRET is dropped, employer_id stays "".
  // Default: empty
  std::function<std::string(absl::string_view siret)> employer_id;
};

struct MappedOffer {
  engine::Opening opening;
  // What was not mapped to a scored field, one sentence each ("permis[1]: unknown licence category ...").
  std::vector<std::string> notes;
};

class OfferMapper {
 public:
  // `data` must outlive the mapper.
  explicit OfferMapper(const engine::ReferenceData& data);

  absl::StatusOr<MappedOffer> Map(const v1::FranceTravailOffer& offer, const MappingOptions& options) const;

  const engine::ReferenceData& data() const { return data_; }

 private:
  struct Context;
  absl::Status MapPlace(const v1::FranceTravailPlace& place, Context& c) const;
  absl::Status MapOccupation(const v1::FranceTravailOffer& offer, Context& c) const;
  void MapSkills(const v1::FranceTravailOffer& offer, Context& c) const;
  void MapRequirements(const v1::FranceTravailOffer& offer, Context& c) const;
  void MapConditions(const v1::FranceTravailOffer& offer, Context& c) const;
  void MapDisplayOnly(const v1::FranceTravailOffer& offer, const MappingOptions& options, Context& c) const;

  const engine::ReferenceData& data_;
  engine::CommuneLookup communes_;
  // Folded labels -> codes, for codes unknown to ROME 4.0 (docs/francetravail.md, "crosswalk").
  absl::flat_hash_map<std::string, int64_t> appellation_by_label_;
  absl::flat_hash_map<std::string, int64_t> skill_by_label_;
};

}  // namespace passerelle::server::francetravail

#endif  // PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_MAPPING_H_
