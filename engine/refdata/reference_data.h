// Reference data the engine scores with: ROME 4.0 occupations and skill items, French communes with
// centroids, and a tension index per occupation x région. Loaded once at start from the compact files
// under data/ (derived from public sources by data/derive.py; see data/SOURCES.md).
//
// Every entity is addressed by a dense index (int32) so that scoring kernels work on arrays; the string
// codes ("F1703", "93008", code_ogr 100012) are resolved once, when a record is written.
//
// Thread-safety: immutable after Load(); share it as std::shared_ptr<const ReferenceData>.
//
// Example:
//   PASSERELLE_ASSIGN_OR_RETURN(auto data, ReferenceData::Load("data"));
//   std::optional<int32_t> rome = data->FindRome("F1703");
#ifndef PASSERELLE_ENGINE_REFDATA_REFERENCE_DATA_H_
#define PASSERELLE_ENGINE_REFDATA_REFERENCE_DATA_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace passerelle::engine {

// One ROME 4.0 occupation ("fiche métier").
struct RomeOccupation {
  std::string code;              // "F1703"
  std::string label;             // "Maçon / Maçonne"
  std::string domaine_code;      // letter + 2 digits: "F17"
  std::string domaine_label;
  char grand_domaine = 0;        // 'F'
  std::string grand_domaine_label;
  int32_t domaine_index = -1;    // dense index over the 110 domaines professionnels
  int32_t grand_domaine_index = -1;  // dense index over the 14 grands domaines
};

enum class SkillKind : uint8_t { kSavoirFaire = 0, kSavoirEtre = 1, kSavoir = 2 };

// One ROME 4.0 skill item (savoir-faire, savoir-être or savoir), keyed by its code_ogr.
struct SkillItem {
  int64_t code_ogr = 0;
  SkillKind kind = SkillKind::kSavoirFaire;
  std::string label;
};

// One item of an occupation's skill list; `core` is ROME's "Principale" flag (coeur de métier).
struct OccupationSkill {
  int32_t skill_index = -1;
  bool core = false;
};

struct Commune {
  std::string insee_code;        // 5 characters: "93008"
  std::string name;              // "Bobigny"
  std::string departement_code;  // "93", "2A", "971"
  int32_t region_index = -1;     // dense index into regions()
  double latitude_deg = 0;       // centroid, WGS84
  double longitude_deg = 0;
  int64_t population = 0;        // 0 when unknown
};

struct Region {
  std::string insee_code;  // "11" (Île-de-France), "84" (Auvergne-Rhône-Alpes)
  std::string name;
};

class ReferenceData {
 public:
  // Loads every file below `data_dir` (the repository's data/ folder). Fails with a status that names
  // the file and line when a file is missing or malformed.
  static absl::StatusOr<std::shared_ptr<const ReferenceData>> Load(const std::string& data_dir);

  // The data/ folder compiled into the build (PASSERELLE_DEFAULT_DATA_DIR), or $PASSERELLE_DATA_DIR if set.
  static std::string DefaultDataDir();

  // Version string of the derived data set (data/VERSION), stored with records so a restart can tell
  // that the reference data changed.
  const std::string& version() const { return version_; }

  // --- ROME occupations (1,584 in ROME 4.0 v60) ---
  absl::Span<const RomeOccupation> occupations() const { return occupations_; }
  std::optional<int32_t> FindRome(absl::string_view code) const;
  // Occupations that ROME lists as transferable targets of `rome_index` (rubrique_mobilite), in order.
  absl::Span<const int32_t> MobilityTargets(int32_t rome_index) const;
  // True when `to` is listed as a mobility target of `from` (directional, as ROME publishes it).
  bool IsMobilityLink(int32_t from, int32_t to) const;
  int32_t domaine_count() const;
  int32_t grand_domaine_count() const;

  // --- Skill items ---
  absl::Span<const SkillItem> skills() const { return skills_; }
  std::optional<int32_t> FindSkill(int64_t code_ogr) const;
  // The skill items ROME lists for an occupation (savoir-faire, savoir-être, savoirs; work contexts excluded).
  absl::Span<const OccupationSkill> OccupationSkills(int32_t rome_index) const;

  // --- Job titles (appellations, 13,120): code_ogr -> ROME index ---
  std::optional<int32_t> FindAppellationRome(int64_t appellation_code_ogr) const;
  const std::string* AppellationLabel(int64_t appellation_code_ogr) const;
  size_t appellation_count() const { return appellations_.size(); }
  // Every appellation's code_ogr, ascending (for look-ups by title, engine/refdata/search.h).
  std::vector<int64_t> AppellationCodes() const;

  // --- Communes (34,969, COG 2025) and régions ---
  absl::Span<const Commune> communes() const { return communes_; }
  std::optional<int32_t> FindCommune(absl::string_view insee_code) const;
  absl::Span<const Region> regions() const { return regions_; }
  std::optional<int32_t> FindRegion(absl::string_view insee_code) const;

  // --- Tension ---
  // Tension index in [0, 1] for an occupation in a région (formula in docs/scoring.md and data/SOURCES.md).
  float Tension(int32_t rome_index, int32_t region_index) const;

 private:
  ReferenceData() = default;

  struct Appellation {
    std::string label;
    int32_t rome_index = -1;
  };

  std::string version_;
  std::vector<RomeOccupation> occupations_;
  absl::flat_hash_map<std::string, int32_t> rome_by_code_;
  int32_t domaine_count_ = 0;
  int32_t grand_domaine_count_ = 0;
  // CSR adjacency: targets of occupation i are mobility_targets_[mobility_offsets_[i] .. [i+1]).
  std::vector<int32_t> mobility_offsets_;
  std::vector<int32_t> mobility_targets_;
  std::vector<SkillItem> skills_;
  absl::flat_hash_map<int64_t, int32_t> skill_by_code_;
  // CSR: skills of occupation i are occupation_skills_[occupation_skill_offsets_[i] .. [i+1]).
  std::vector<int32_t> occupation_skill_offsets_;
  std::vector<OccupationSkill> occupation_skills_;
  absl::flat_hash_map<int64_t, Appellation> appellations_;
  std::vector<Commune> communes_;
  absl::flat_hash_map<std::string, int32_t> commune_by_code_;
  std::vector<Region> regions_;
  absl::flat_hash_map<std::string, int32_t> region_by_code_;
  // Row-major [rome_index * regions_.size() + region_index].
  std::vector<float> tension_;
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_REFDATA_REFERENCE_DATA_H_
