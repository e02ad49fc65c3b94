// Synthetic but realistic cohorts of candidates (refugees looking for work) and openings (job offers in
// French shortage occupations), drawn from the real reference data: communes weighted by population,
// occupations from the sectors of the integration programmes weighted by tension, skills from each
// occupation's ROME 4.0 items. Used by the README demo, the CLI import, tests and benchmarks. The
// distributions and their sources are described in docs/sample-cohort.md.
//
// Record i depends only on (seed, i) (the id's zero padding also depends on the total count), so a
// cohort can be generated in slices on several threads, and any record regenerated alone. The random
// streams are counter-based and use no std:: distribution, so a seed gives the same records with every
// compiler and standard library. Every record passes ResolveCandidate / ResolveOpening.
//
// Thread-safety: immutable after construction; Make*() may be called from any number of threads.
//
// Example:
//   CohortGenerator gen(data, CohortOptions{.seed = 7, .candidates = 20000, .openings = 3000});
//   std::vector<Candidate> candidates = gen.Candidates();
//   Opening o = gen.MakeOpening(42);  // the same as gen.Openings()[42]
#ifndef PASSERELLE_ENGINE_SAMPLE_COHORT_GENERATOR_H_
#define PASSERELLE_ENGINE_SAMPLE_COHORT_GENERATOR_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "engine/model/dates.h"
#include "engine/model/types.h"
#include "engine/refdata/reference_data.h"
#include "engine/sample/counter_rng.h"

namespace passerelle::engine {

struct CohortOptions {
  // Seed of every random stream; the same seed gives the same records. Default: 42.
  uint64_t seed = 42;
  // Number of candidates Candidates() generates (ids cand-000000 ..). Range >= 0. Default: 1000.
  int64_t candidates = 1000;
  // Number of openings Openings() generates (ids open-000000 ..). Range >= 0. Default: 200.
  int64_t openings = 200;
  // "Today" for the cohort: candidates are available 0-120 days after it, openings start 0-90 days
  // after it. Default: 2026-01-05.
  Day reference_day = DayFromCivil(2026, 1, 5);
  // owner_id of every generated record. Default: "sample".
  std::string owner_id = "sample";
  // Extra weight on candidates' communes in the départements where refugees are often housed
  // (Île-de-France, Rhône, Bouches-du-Rhône, Nord, Gironde, Haute-Garonne, Loire-Atlantique, Bas-Rhin),
  // on top of population. Range >= 1 (1 = population only). Default: 3.
  uint32_t housing_departement_weight = 3;
  // Share of candidates' wished occupations drawn from all of ROME (tension-weighted) rather than from
  // the shortage sectors' table. Range [0, 1]. Default: 0.08.
  double other_wish_share = 0.08;
  // Employers per (département, sector): employer ids are drawn from this pool, skewed towards the first
  // ones (a few large employers post many openings). Range >= 1. Default: 20.
  int32_t employers_per_area = 20;
};

// The sectors the integration programmes place refugees in (domain.md, section 3).
enum class SampleSector : uint8_t {
  kBuilding = 0,     // BTP: gros œuvre F17xx, second œuvre F16xx
  kCatering = 1,     // restaurants and hotels: G16xx, G150x
  kCleaning = 2,     // propreté: K22xx
  kLogistics = 3,    // warehouses: N11xx, delivery
  kIndustry = 4,     // food industry, metalwork, assembly: H2xxx
  kAgriculture = 5,  // A14xx, green spaces A12xx
  kSecurity = 6,     // K2503, K2504
  kRetail = 7,       // mass retail D15xx, food trades D11xx (bakery, butchery)
  kHomeHelp = 8,     // K1302, K1304, K1303
};
inline constexpr int kSampleSectorCount = 9;

// Short ASCII name used in employer ids: "btp", "restauration", "proprete", ...
const char* SampleSectorSlug(SampleSector sector);

// One occupation of the generator's table: a ROME 4.0 code, its sector and a relative weight within
// the sector (before the tension tilt). Weights are integers (tenths) so tables are exact.
struct SampleOccupation {
  const char* rome_code;
  SampleSector sector;
  uint32_t weight;
};
// The curated table (75 codes of the shortage sectors, entry-level trades first).
absl::Span<const SampleOccupation> SampleOccupationTable();

// Sector shares in percent (they add up to 100), for candidates' wishes and for openings.
struct SectorShares {
  std::array<uint32_t, kSampleSectorCount> wishes;
  std::array<uint32_t, kSampleSectorCount> openings;
};
const SectorShares& SampleSectorShares();

// Départements whose communes get CohortOptions::housing_departement_weight for candidates.
absl::Span<const char* const> RefugeeHousingDepartements();

class CohortGenerator {
 public:
  // Builds the cumulative tables (communes, occupations per région, skills, job titles) once. Codes of
  // the table that the reference data does not know are skipped.
  explicit CohortGenerator(std::shared_ptr<const ReferenceData> data, CohortOptions options = {});

  const CohortOptions& options() const { return options_; }
  const ReferenceData& data() const { return *data_; }

  // Record i (any i >= 0, also beyond options().candidates / openings); depends only on (seed, i).
  Candidate MakeCandidate(int64_t i) const;
  Opening MakeOpening(int64_t i) const;

  // Records 0 .. options().candidates - 1 / openings - 1.
  std::vector<Candidate> Candidates() const { return CandidateRange(0, options_.candidates); }
  std::vector<Opening> Openings() const { return OpeningRange(0, options_.openings); }
  // Records begin .. end - 1 (empty when end <= begin): one slice for one thread.
  std::vector<Candidate> CandidateRange(int64_t begin, int64_t end) const;
  std::vector<Opening> OpeningRange(int64_t begin, int64_t end) const;

  // "cand-000042" / "open-000042": zero-padded to the digits of the largest index, at least 6.
  std::string CandidateId(int64_t i) const;
  std::string OpeningId(int64_t i) const;

  // The sector of an occupation when it is in SampleOccupationTable(), else nullopt.
  std::optional<SampleSector> SectorOf(int32_t rome_index) const;

 private:
  struct TableEntry {
    int32_t rome_index = -1;
    SampleSector sector = SampleSector::kBuilding;
    std::vector<int64_t> appellations;  // job-title code_ogr of this occupation, ascending
  };

  int32_t DrawWish(sample::RecordRng& rng) const;
  int32_t DrawWishInSector(sample::RecordRng& rng, SampleSector sector) const;
  absl::Span<const int64_t> CoreItems(int32_t rome_index) const;
  absl::Span<const int64_t> OtherItems(int32_t rome_index) const;
  // 3-12 distinct core items of `romes` (wished then past occupations, romes[0] the first wish).
  void FillCandidateSkills(sample::RecordRng& rng, absl::Span<const int32_t> romes, Candidate& c) const;

  std::shared_ptr<const ReferenceData> data_;
  CohortOptions options_;
  int candidate_id_width_ = 6;
  int opening_id_width_ = 6;

  sample::WeightedTable candidate_communes_;  // over data_->communes()
  sample::WeightedTable opening_communes_;    // over data_->communes()

  std::vector<TableEntry> table_;
  std::vector<int16_t> table_entry_of_rome_;  // per ROME index: index into table_, or -1
  sample::WeightedTable wishes_;             // over table_, national tension
  std::array<std::vector<int32_t>, kSampleSectorCount> sector_entries_;  // table_ indices per sector
  std::array<sample::WeightedTable, kSampleSectorCount> sector_wishes_;  // over sector_entries_[s]
  std::vector<sample::WeightedTable> openings_by_region_;  // per région index, over table_
  sample::WeightedTable other_occupations_;  // over all ROME occupations, national tension

  // CSR per ROME index: core ("Principale") items and the other items, as code_ogr.
  std::vector<int32_t> core_offsets_, other_offsets_;
  std::vector<int64_t> core_items_, other_items_;
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_SAMPLE_COHORT_GENERATOR_H_
