// Finding a commune when a record names it otherwise than by its current INSEE code: by an arrondissement
// code (Paris, Lyon, Marseille are single communes in data/geo/communes.tsv), by name within a
// département, or by the nearest centroid to a point. Used by imports of published formats
// (server/francetravail/, docs/francetravail.md).
//
// Thread-safety: immutable after construction.
#ifndef PASSERELLE_ENGINE_REFDATA_COMMUNE_LOOKUP_H_
#define PASSERELLE_ENGINE_REFDATA_COMMUNE_LOOKUP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "engine/refdata/reference_data.h"

namespace passerelle::engine {

// A commune name folded for comparison: upper case, accents removed, every run of non-alphanumeric
// characters one space, "ST"/"STE" spelled "SAINT"/"SAINTE" ("Saint-Ouen-sur-Seine" and
// "ST OUEN SUR SEINE" fold alike).
std::string FoldCommuneName(absl::string_view name);

// The département of a French postal code: its first two digits, "2A"/"2B" for Corsica (20000-20199 /
// 20200-20999), three digits overseas ("97411" -> "974"); "" when malformed. A few communes have a postal
// code of a neighbouring département: a caller that finds no commune by name should fall back.
std::string DepartementOfPostalCode(absl::string_view postal_code);

class CommuneLookup {
 public:
  // `data` must outlive the lookup.
  explicit CommuneLookup(const ReferenceData& data);

  // The commune of `insee_code`, or of the city an arrondissement code belongs to (75101-75120 -> Paris
  // 75056, 69381-69389 -> Lyon 69123, 13201-13216 -> Marseille 13055); nullopt when unknown.
  std::optional<int32_t> FindByInsee(absl::string_view insee_code) const;
  // The communes of `departement` whose folded name is FoldCommuneName(name); an arrondissement's name
  // ("Paris 15e Arrondissement", "Marseille 1er Arrondissement") finds its city.
  std::vector<int32_t> FindByName(absl::string_view departement, absl::string_view name) const;
  // The commune whose centroid is nearest to the point, and its distance in km; among the communes of
  // `departement` only when it is not "". nullopt when no commune is within `max_km`.
  struct Nearest {
    int32_t commune = -1;
    double distance_km = 0;
  };
  std::optional<Nearest> FindNearest(double latitude_deg, double longitude_deg, absl::string_view departement,
                                     double max_km) const;

 private:
  const ReferenceData& data_;
  // (département, folded name) -> communes.
  absl::flat_hash_map<std::string, std::vector<int32_t>> by_name_;
  // Communes by cell of kCellDeg x kCellDeg degrees (key: lat cell * 4096 + lon cell).
  absl::flat_hash_map<int64_t, std::vector<int32_t>> by_cell_;
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_REFDATA_COMMUNE_LOOKUP_H_
