#include "engine/sample/cohort_generator.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "engine/sample/offer_fields_sample.h"

namespace passerelle::engine {
namespace {

using sample::RecordRng;
using sample::WeightedTable;

// Stream tags: candidates and openings with the same index draw from unrelated streams.
constexpr uint64_t kCandidateStream = 0x63616e6469646174ULL;  // "candidat"
constexpr uint64_t kOpeningStream = 0x6f70656e696e6773ULL;    // "openings"

// Range of job-title code_ogr values probed to list each table occupation's titles (ROME 4.0 v60 spans
// 10200 .. 513911). ReferenceData only maps a title to its occupation, so the generator asks for each
// code once, at construction (a few milliseconds). Titles outside the range are simply not used.
constexpr int64_t kAppellationCodeMin = 10000;
constexpr int64_t kAppellationCodeMax = 600000;

// Scale of the integer weights built from float factors (tension, shares).
constexpr double kWeightScale = 1e9;

using S = SampleSector;
// Weights in tenths, relative within a sector. Entry-level trades that the programmes (HOPE, PIC calls)
// name get the largest weights (domain.md, section 3); ROME 4.0 v60 codes.
constexpr SampleOccupation kTable[] = {
    // Building: gros œuvre.
    {"F1701", S::kBuilding, 30},  // coffreur
    {"F1702", S::kBuilding, 20},  // ouvrier en voiries (maçon VRD)
    {"F1703", S::kBuilding, 40},  // maçon
    {"F1704", S::kBuilding, 40},  // manœuvre bâtiment
    {"F1705", S::kBuilding, 10},  // poseur de canalisations
    {"F1706", S::kBuilding, 10},  // armaturier
    {"F1709", S::kBuilding, 10},  // démolisseur
    // Building: second œuvre.
    {"F1601", S::kBuilding, 20},  // plâtrier
    {"F1602", S::kBuilding, 20},  // électricien du bâtiment
    {"F1603", S::kBuilding, 20},  // plombier
    {"F1604", S::kBuilding, 20},  // plaquiste
    {"F1606", S::kBuilding, 40},  // peintre en bâtiment
    {"F1607", S::kBuilding, 10},  // menuisier aluminium
    {"F1608", S::kBuilding, 20},  // carreleur
    {"F1610", S::kBuilding, 10},  // installateur mainteneur
    {"F1611", S::kBuilding, 10},  // façadier
    {"F1613", S::kBuilding, 10},  // étancheur
    {"F1616", S::kBuilding, 10},  // poseur de menuiseries extérieures
    {"F1619", S::kBuilding, 20},  // couvreur
    {"F1620", S::kBuilding, 10},  // chauffage et climatisation
    // Restaurants and hotels.
    {"G1602", S::kCatering, 40},  // commis de cuisine
    {"G1603", S::kCatering, 30},  // équipier de restauration rapide
    {"G1604", S::kCatering, 10},  // pizzaïolo
    {"G1605", S::kCatering, 40},  // plongeur
    {"G1606", S::kCatering, 10},  // cuisinier de collectivité
    {"G1607", S::kCatering, 20},  // employé de restauration collective (agent de restauration)
    {"G1609", S::kCatering, 30},  // cuisinier
    {"G1501", S::kCatering, 30},  // employé d'étage
    {"G1502", S::kCatering, 10},  // employé d'hôtel
    // Cleaning.
    {"K2204", S::kCleaning, 50},  // agent de nettoyage industriel
    {"K2205", S::kCleaning, 30},  // agent de propreté de locaux
    {"K2202", S::kCleaning, 10},  // laveur de vitres
    {"K2201", S::kCleaning, 10},  // blanchisseur industriel
    // Logistics.
    {"N1103", S::kLogistics, 40},  // préparateur de commandes
    {"N1105", S::kLogistics, 40},  // manutentionnaire
    {"N1101", S::kLogistics, 20},  // cariste
    {"N1106", S::kLogistics, 10},  // agent de quai
    {"N1110", S::kLogistics, 20},  // magasinier
    {"N1115", S::kLogistics, 20},  // opérateur logistique en entrepôt
    {"N4105", S::kLogistics, 10},  // conducteur-livreur
    {"N4121", S::kLogistics, 10},  // aide-livreur
    // Industry.
    {"H2101", S::kIndustry, 10},  // ouvrier d'abattoir
    {"H2102", S::kIndustry, 20},  // conducteur de ligne en industrie alimentaire
    {"H2105", S::kIndustry, 30},  // agent de production en industrie alimentaire
    {"H2909", S::kIndustry, 30},  // assembleur monteur
    {"H2913", S::kIndustry, 30},  // soudeur
    {"H2911", S::kIndustry, 10},  // métallier
    {"H2902", S::kIndustry, 10},  // chaudronnier
    {"H2906", S::kIndustry, 10},  // opérateur en fabrication mécanique
    {"H2401", S::kIndustry, 10},  // maroquinerie (cuirs, peaux)
    {"H2402", S::kIndustry, 10},  // couturier industriel
    {"H2206", S::kIndustry, 10},  // menuisier
    {"H2604", S::kIndustry, 10},  // assembleur en produits électriques
    {"H2802", S::kIndustry, 10},  // opérateur en matériaux de construction
    // Agriculture and green spaces.
    {"A1401", S::kAgriculture, 30},  // cueilleur de fruits (vendanges)
    {"A1402", S::kAgriculture, 20},  // aide agricole en production végétale
    {"A1403", S::kAgriculture, 10},  // aide d'élevage
    {"A1419", S::kAgriculture, 30},  // ouvrier agricole polyvalent
    {"A1444", S::kAgriculture, 10},  // aide agricole en production fruitière
    {"A1414", S::kAgriculture, 10},  // horticulteur
    {"A1433", S::kAgriculture, 10},  // maraîcher
    {"A1416", S::kAgriculture, 5},   // exploitant agricole
    {"A1203", S::kAgriculture, 20},  // agent d'entretien des espaces verts
    {"A1208", S::kAgriculture, 10},  // jardinier paysagiste
    // Security.
    {"K2503", S::kSecurity, 40},  // agent de prévention et de sécurité
    {"K2504", S::kSecurity, 10},  // agent de sécurité événementielle
    // Retail and food trades.
    {"D1507", S::kRetail, 40},  // employé de rayon (employé commercial)
    {"D1505", S::kRetail, 20},  // hôte de caisse
    {"D1106", S::kRetail, 20},  // vendeur en épicerie
    {"D1102", S::kRetail, 20},  // boulanger
    {"D1104", S::kRetail, 10},  // pâtissier
    {"D1101", S::kRetail, 10},  // boucher
    // Home help.
    {"K1302", S::kHomeHelp, 30},  // assistant de vie dépendance
    {"K1304", S::kHomeHelp, 30},  // employé familial
    {"K1303", S::kHomeHelp, 10},  // garde d'enfant
};

// Percent per sector, in SampleSector order. Wishes follow the sectors refugees ask for in the programmes
// (BTP, restaurants, cleaning, logistics first: CREDOC list, HOPE trades); openings follow hiring demand
// in the same sectors (BMO). Both are assumptions at the level of the seeds, not measured shares.
constexpr SectorShares kShares = {
    //           BTP resto propr logis indus agri secu comm aide
    /*wishes*/ {{22, 18, 9, 13, 10, 6, 5, 10, 7}},
    /*openings*/ {{24, 18, 12, 12, 11, 7, 4, 7, 5}},
};

// Départements where the reception schemes (CADA, CPH) and the PIC projects concentrate.
constexpr const char* kHousingDepartements[] = {"75", "77", "78", "91", "92", "93", "94", "95",  // Île-de-France
                                                "69", "13", "59", "33", "31", "44", "67"};

// The 18 régions (metropolitan and overseas départements) are two-digit INSEE codes; the overseas
// collectivités (975, 977, ...) are left out of the cohorts.
bool IsCohortRegion(const Region& region) { return region.insee_code.size() == 2; }

// A contract of the candidates' accepted set, with the share of candidates accepting it.
struct ContractAcceptance {
  ContractType type;
  double share;
};
constexpr ContractAcceptance kAcceptance[] = {
    {ContractType::kCdi, 0.95},     {ContractType::kCdd, 0.85},
    {ContractType::kCddUsage, 0.35}, {ContractType::kInterim, 0.70},
    {ContractType::kCdpi, 0.15},    {ContractType::kProfessionnalisation, 0.55},
    {ContractType::kApprentissage, 0.45}, {ContractType::kPoec, 0.50},
    {ContractType::kImmersion, 0.30}, {ContractType::kStage, 0.10},
    {ContractType::kAfest, 0.15},   {ContractType::kIae, 0.25},
};

uint32_t WeekdaySlots(std::initializer_list<int> slots, int days = 5) {
  uint32_t mask = 0;
  for (int d = 0; d < days; ++d) {
    for (int s : slots) mask |= WeeklySlotBit(d, s);
  }
  return mask;
}

int Digits(int64_t n) {
  int digits = 1;
  while (n >= 10) { n /= 10; ++digits; }
  return digits;
}

std::string FormatId(const char* prefix, int64_t i, int width) {
  char digits[24];
  int n = 0;
  uint64_t v = static_cast<uint64_t>(std::max<int64_t>(i, 0));
  do { digits[n++] = static_cast<char>('0' + v % 10); v /= 10; } while (v != 0);
  std::string out(prefix);
  out.reserve(out.size() + std::max(n, width));
  for (int k = n; k < width; ++k) out.push_back('0');
  while (n > 0) out.push_back(digits[--n]);
  return out;
}

uint64_t ScaledWeight(double w) { return w > 0 ? static_cast<uint64_t>(std::llround(w * kWeightScale)) : 0; }

bool Contains(const std::vector<int64_t>& v, int64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// k distinct items of `items` (k <= items.size()), by Floyd's algorithm: exact, no retry loop.
void SampleDistinct(RecordRng& rng, absl::Span<const int64_t> items, size_t k, std::vector<int64_t>& out) {
  const size_t m = items.size();
  k = std::min(k, m);
  const size_t first = out.size();
  uint32_t chosen[16];  // positions, k <= 16 here
  size_t n = 0;
  for (size_t j = m - k; j < m; ++j) {
    uint32_t t = static_cast<uint32_t>(rng.Below(j + 1));
    if (std::find(chosen, chosen + n, t) != chosen + n) t = static_cast<uint32_t>(j);
    chosen[n++] = t;
  }
  out.resize(first + n);
  for (size_t i = 0; i < n; ++i) out[first + i] = items[chosen[i]];
}

}  // namespace

const char* SampleSectorSlug(SampleSector sector) {
  switch (sector) {
    case S::kBuilding: return "btp";
    case S::kCatering: return "restauration";
    case S::kCleaning: return "proprete";
    case S::kLogistics: return "logistique";
    case S::kIndustry: return "industrie";
    case S::kAgriculture: return "agriculture";
    case S::kSecurity: return "securite";
    case S::kRetail: return "commerce";
    case S::kHomeHelp: return "aide-domicile";
  }
  return "autre";
}

absl::Span<const SampleOccupation> SampleOccupationTable() { return kTable; }
const SectorShares& SampleSectorShares() { return kShares; }
absl::Span<const char* const> RefugeeHousingDepartements() { return kHousingDepartements; }

CohortGenerator::CohortGenerator(std::shared_ptr<const ReferenceData> data, CohortOptions options)
    : data_(std::move(data)), options_(std::move(options)) {
  const ReferenceData& d = *data_;
  candidate_id_width_ = std::max(6, Digits(std::max<int64_t>(options_.candidates - 1, 0)));
  opening_id_width_ = std::max(6, Digits(std::max<int64_t>(options_.openings - 1, 0)));
  options_.housing_departement_weight = std::max<uint32_t>(options_.housing_departement_weight, 1);
  options_.employers_per_area = std::max(options_.employers_per_area, 1);

  // Communes: population, in the 18 régions; candidates get the housing départements' extra weight.
  const auto communes = d.communes();
  const size_t region_count = d.regions().size();
  std::vector<uint64_t> candidate_w(communes.size()), opening_w(communes.size());
  std::vector<double> region_population(region_count, 0);
  for (size_t i = 0; i < communes.size(); ++i) {
    const Commune& c = communes[i];
    if (c.region_index < 0 || !IsCohortRegion(d.regions()[c.region_index]) || c.population <= 0) continue;
    const uint64_t pop = static_cast<uint64_t>(c.population);
    const bool boosted = std::any_of(std::begin(kHousingDepartements), std::end(kHousingDepartements),
                                     [&](const char* dep) { return c.departement_code == dep; });
    candidate_w[i] = pop * (boosted ? options_.housing_departement_weight : 1);
    opening_w[i] = pop;
    region_population[c.region_index] += static_cast<double>(pop);
  }
  candidate_communes_ = WeightedTable(candidate_w);
  opening_communes_ = WeightedTable(opening_w);

  // Skill items per occupation, split into core and other.
  const auto occupations = d.occupations();
  const int32_t rome_count = static_cast<int32_t>(occupations.size());
  core_offsets_.assign(1, 0);
  other_offsets_.assign(1, 0);
  for (int32_t r = 0; r < rome_count; ++r) {
    for (const OccupationSkill& s : d.OccupationSkills(r)) {
      (s.core ? core_items_ : other_items_).push_back(d.skills()[s.skill_index].code_ogr);
    }
    core_offsets_.push_back(static_cast<int32_t>(core_items_.size()));
    other_offsets_.push_back(static_cast<int32_t>(other_items_.size()));
  }

  // National tension of each occupation: population-weighted mean over the régions.
  double total_population = 0;
  for (double p : region_population) total_population += p;
  auto national_tension = [&](int32_t rome) {
    if (total_population <= 0) return static_cast<double>(d.Tension(rome, 0));
    double sum = 0;
    for (size_t g = 0; g < region_count; ++g) {
      if (region_population[g] > 0) sum += region_population[g] * d.Tension(rome, static_cast<int32_t>(g));
    }
    return sum / total_population;
  };

  // The occupation table, resolved. Tension tilts weights within a sector by a factor 0.5 .. 1.5.
  table_entry_of_rome_.assign(rome_count, -1);
  std::vector<uint32_t> base;
  for (const SampleOccupation& occ : kTable) {
    std::optional<int32_t> rome = d.FindRome(occ.rome_code);
    if (!rome || table_entry_of_rome_[*rome] >= 0) continue;
    table_entry_of_rome_[*rome] = static_cast<int16_t>(table_.size());
    sector_entries_[static_cast<int>(occ.sector)].push_back(static_cast<int32_t>(table_.size()));
    table_.push_back({*rome, occ.sector, {}});
    base.push_back(occ.weight);
  }
  // Weights over table_ for one set of per-entry tilts, keeping each sector's share exact.
  auto sector_weighted = [&](const std::array<uint32_t, kSampleSectorCount>& shares,
                             const std::vector<double>& tilt) {
    std::vector<uint64_t> w(table_.size(), 0);
    for (int s = 0; s < kSampleSectorCount; ++s) {
      double sum = 0;
      for (int32_t e : sector_entries_[s]) sum += base[e] * tilt[e];
      if (sum <= 0) continue;
      for (int32_t e : sector_entries_[s]) w[e] = ScaledWeight(shares[s] / 100.0 * base[e] * tilt[e] / sum);
    }
    return w;
  };
  std::vector<double> national_tilt(table_.size());
  for (size_t e = 0; e < table_.size(); ++e) national_tilt[e] = 0.5 + national_tension(table_[e].rome_index);
  wishes_ = WeightedTable(sector_weighted(kShares.wishes, national_tilt));
  for (int s = 0; s < kSampleSectorCount; ++s) {
    std::vector<uint64_t> w;
    for (int32_t e : sector_entries_[s]) w.push_back(ScaledWeight(base[e] * national_tilt[e]));
    sector_wishes_[s] = WeightedTable(w);
  }
  openings_by_region_.resize(region_count);
  for (size_t g = 0; g < region_count; ++g) {
    std::vector<double> tilt(table_.size());
    for (size_t e = 0; e < table_.size(); ++e) {
      tilt[e] = 0.5 + d.Tension(table_[e].rome_index, static_cast<int32_t>(g));
    }
    openings_by_region_[g] = WeightedTable(sector_weighted(kShares.openings, tilt));
  }
  std::vector<uint64_t> other_w(rome_count);
  for (int32_t r = 0; r < rome_count; ++r) other_w[r] = ScaledWeight(0.5 + national_tension(r));
  other_occupations_ = WeightedTable(other_w);

  // Job titles of the table's occupations.
  size_t found = 0;
  for (int64_t code = kAppellationCodeMin; code < kAppellationCodeMax && found < d.appellation_count(); ++code) {
    std::optional<int32_t> rome = d.FindAppellationRome(code);
    if (!rome) continue;
    ++found;
    if (*rome >= 0 && *rome < rome_count && table_entry_of_rome_[*rome] >= 0) {
      table_[table_entry_of_rome_[*rome]].appellations.push_back(code);
    }
  }
}

std::string CohortGenerator::CandidateId(int64_t i) const { return FormatId("cand-", i, candidate_id_width_); }
std::string CohortGenerator::OpeningId(int64_t i) const { return FormatId("open-", i, opening_id_width_); }

std::optional<SampleSector> CohortGenerator::SectorOf(int32_t rome_index) const {
  if (rome_index < 0 || rome_index >= static_cast<int32_t>(table_entry_of_rome_.size())) return std::nullopt;
  const int16_t e = table_entry_of_rome_[rome_index];
  if (e < 0) return std::nullopt;
  return table_[e].sector;
}

absl::Span<const int64_t> CohortGenerator::CoreItems(int32_t r) const {
  return absl::MakeConstSpan(core_items_).subspan(core_offsets_[r], core_offsets_[r + 1] - core_offsets_[r]);
}
absl::Span<const int64_t> CohortGenerator::OtherItems(int32_t r) const {
  return absl::MakeConstSpan(other_items_).subspan(other_offsets_[r], other_offsets_[r + 1] - other_offsets_[r]);
}

int32_t CohortGenerator::DrawWish(RecordRng& rng) const {
  if (table_.empty() || rng.Chance(options_.other_wish_share)) {
    return static_cast<int32_t>(other_occupations_.Sample(rng));
  }
  return table_[wishes_.Sample(rng)].rome_index;
}

int32_t CohortGenerator::DrawWishInSector(RecordRng& rng, SampleSector sector) const {
  const auto& entries = sector_entries_[static_cast<int>(sector)];
  if (entries.empty()) return DrawWish(rng);
  return table_[entries[sector_wishes_[static_cast<int>(sector)].Sample(rng)]].rome_index;
}

void CohortGenerator::FillCandidateSkills(RecordRng& rng, absl::Span<const int32_t> romes, Candidate& c) const {
  // 3-12 distinct core items, each from an occupation chosen uniformly (draws are bounded).
  const size_t target = static_cast<size_t>(rng.Between(3, 12));
  c.skills.reserve(target);
  for (size_t attempt = 0; attempt < 8 * target && c.skills.size() < target; ++attempt) {
    const auto items = CoreItems(romes[rng.Below(romes.size())]);
    if (items.empty()) continue;
    const int64_t item = items[rng.Below(items.size())];
    if (!Contains(c.skills, item)) c.skills.push_back(item);
  }
  // Occupations with very few core items: complete to 3 with the first wish's other items.
  const auto others = OtherItems(romes[0]);
  for (size_t attempt = 0; attempt < 32 && c.skills.size() < 3 && !others.empty(); ++attempt) {
    const int64_t item = others[rng.Below(others.size())];
    if (!Contains(c.skills, item)) c.skills.push_back(item);
  }
}

Candidate CohortGenerator::MakeCandidate(int64_t i) const {
  RecordRng rng(options_.seed, kCandidateStream, static_cast<uint64_t>(i));
  const ReferenceData& d = *data_;
  Candidate c;
  c.id = CandidateId(i);
  c.owner_id = options_.owner_id;
  c.commune_insee = d.communes()[candidate_communes_.Sample(rng)].insee_code;

  // Mobility: walking 10 %, bicycle 10 %, public transport 65 %, car 15 % (mostly with licence and car).
  static constexpr uint32_t kModes[] = {10, 10, 65, 15};
  static constexpr TransportMode kModeValues[] = {TransportMode::kWalking, TransportMode::kBicycle,
                                                  TransportMode::kPublicTransport, TransportMode::kCar};
  c.transport_mode = kModeValues[rng.Pick(kModes)];
  if (c.transport_mode == TransportMode::kCar) {
    c.driving_licence = rng.Chance(0.92);
    c.vehicle = c.driving_licence && rng.Chance(0.90);
  } else {
    c.driving_licence = rng.Chance(0.085);  // often a foreign licence, no car
    c.vehicle = c.driving_licence && rng.Chance(0.20);
  }
  if ((c.transport_mode == TransportMode::kPublicTransport || c.transport_mode == TransportMode::kCar) &&
      rng.Chance(0.15)) {
    static constexpr float kLimits[] = {15, 25, 40};
    c.max_commute_km = kLimits[rng.Below(3)];
  }
  c.relocation_accepted = rng.Chance(0.30);
  static constexpr uint32_t kHousing[] = {35, 40, 15, 10};  // stable, temporary, emergency, none
  c.housing = static_cast<HousingStatus>(rng.Pick(kHousing));

  // French: preA1 15 %, A1 30 %, A2 30 %, B1 18 %, B2 5 %, C1 2 %; attested ~41 %; planned hours fall
  // as the level rises (OFII gives 200-600 h up to A1; POEC 400 h).
  static constexpr uint32_t kCefr[] = {15, 30, 30, 18, 5, 2};
  const int level = static_cast<int>(rng.Pick(kCefr));
  c.french_level = static_cast<CefrLevel>(level);
  static constexpr double kAttested[] = {0.0, 0.45, 0.50, 0.50, 0.55, 0.60};
  c.french_attested = rng.Chance(kAttested[level]);
  static constexpr uint32_t kHours[4][4] = {{10, 10, 30, 50}, {30, 20, 30, 20}, {55, 25, 15, 5}, {85, 10, 5, 0}};
  static constexpr float kHourValues[] = {0, 100, 200, 400};
  c.french_hours_planned = kHourValues[rng.Pick(kHours[std::min(level, 3)])];

  // Wished occupations: 1-3, ranked; later wishes mostly stay in the first wish's sector.
  static constexpr uint32_t kWishCount[] = {40, 35, 25};
  const size_t wishes = 1 + rng.Pick(kWishCount);
  int32_t wished[3];
  size_t n_wished = 0;
  wished[n_wished++] = DrawWish(rng);
  const std::optional<SampleSector> first_sector = SectorOf(wished[0]);
  for (size_t w = 1; w < wishes; ++w) {
    for (int attempt = 0; attempt < 4; ++attempt) {
      const int32_t r = (first_sector && rng.Chance(0.6)) ? DrawWishInSector(rng, *first_sector) : DrawWish(rng);
      if (std::find(wished, wished + n_wished, r) == wished + n_wished) {
        wished[n_wished++] = r;
        break;
      }
    }
  }
  c.wished_occupations.reserve(n_wished);
  for (size_t w = 0; w < n_wished; ++w) c.wished_occupations.push_back(d.occupations()[wished[w]].code);

  // Past occupations: 0-2 with years; 40 % in a wished trade, else from the sectors or any occupation.
  static constexpr uint32_t kPastCount[] = {35, 45, 20};
  const size_t pasts = rng.Pick(kPastCount);
  int32_t past[2];
  size_t n_past = 0;
  for (size_t p = 0; p < pasts; ++p) {
    for (int attempt = 0; attempt < 4; ++attempt) {
      int32_t r;
      if (rng.Chance(0.4)) {
        r = wished[rng.Below(n_wished)];
      } else if (rng.Chance(0.25)) {
        r = static_cast<int32_t>(other_occupations_.Sample(rng));
      } else {
        r = DrawWish(rng);
      }
      if (std::find(past, past + n_past, r) == past + n_past) {
        past[n_past++] = r;
        break;
      }
    }
  }
  c.past_occupations.reserve(n_past);
  for (size_t p = 0; p < n_past; ++p) {
    const double u = rng.Unit();
    const float years = static_cast<float>(std::round((0.5 + 14.5 * u * u) * 2) / 2);  // 0.5 .. 15, skewed low
    c.past_occupations.push_back({d.occupations()[past[p]].code, years});
  }

  // Skills from the occupations the person brings: wishes and past jobs.
  int32_t romes[5];
  size_t n_romes = 0;
  for (size_t w = 0; w < n_wished; ++w) romes[n_romes++] = wished[w];
  for (size_t p = 0; p < n_past; ++p) romes[n_romes++] = past[p];
  FillCandidateSkills(rng, absl::MakeConstSpan(romes, n_romes), c);

  // Contracts: 10 % accept any; else each type with its own share.
  if (!rng.Chance(0.10)) {
    for (const ContractAcceptance& a : kAcceptance) {
      if (rng.Chance(a.share)) c.accepted_contracts |= ContractBit(a.type);
    }
    if (c.accepted_contracts == 0) c.accepted_contracts = ContractBit(ContractType::kCdi);
  }
  c.available_from = options_.reference_day + static_cast<Day>(rng.Below(121));
  // Weekly availability: 75 % any time; 25 % restricted (childcare, French classes).
  static constexpr uint32_t kWeekly[] = {75, 16, 5, 4};
  switch (rng.Pick(kWeekly)) {
    case 1: c.weekly_availability = WeekdaySlots({0, 1}); break;     // weekday mornings + afternoons
    case 2: c.weekly_availability = WeekdaySlots({0}); break;        // weekday mornings
    case 3: c.weekly_availability = WeekdaySlots({0, 1, 2}); break;  // weekday daytime + evenings
    default: break;
  }
  c.right_to_work = rng.Chance(0.95);
  sample::FillCandidateOfferFields(options_.seed, i, c);
  return c;
}

Opening CohortGenerator::MakeOpening(int64_t i) const {
  RecordRng rng(options_.seed, kOpeningStream, static_cast<uint64_t>(i));
  const ReferenceData& d = *data_;
  Opening o;
  o.id = OpeningId(i);
  o.owner_id = options_.owner_id;
  const Commune& commune = d.communes()[opening_communes_.Sample(rng)];
  o.commune_insee = commune.insee_code;

  // Occupation: sector share x occupation weight x tension in the opening's région.
  int32_t rome;
  SampleSector sector = SampleSector::kBuilding;
  const TableEntry* entry = nullptr;
  if (!table_.empty()) {
    const WeightedTable& t = commune.region_index >= 0 ? openings_by_region_[commune.region_index] : wishes_;
    entry = &table_[t.Sample(rng)];
    rome = entry->rome_index;
    sector = entry->sector;
  } else {
    rome = static_cast<int32_t>(other_occupations_.Sample(rng));
  }
  const RomeOccupation& occupation = d.occupations()[rome];
  o.rome_code = occupation.code;
  o.title = occupation.label;
  if (entry != nullptr && !entry->appellations.empty()) {
    const int64_t code = entry->appellations[rng.Below(entry->appellations.size())];
    if (const std::string* label = d.AppellationLabel(code)) {
      o.appellation_code = code;
      o.title = *label;
    }
  }
  // Employer pool per (département, sector), skewed towards the first employers.
  {
    const double u = rng.Unit();
    const int64_t k = static_cast<int64_t>(u * u * options_.employers_per_area);
    o.employer_id = FormatId(("emp-" + commune.departement_code + "-" + SampleSectorSlug(sector) + "-").c_str(),
                             k, 3);
  }

  // Skills: 2-6 required core items, 0-4 desired other items.
  SampleDistinct(rng, CoreItems(rome), static_cast<size_t>(rng.Between(2, 6)), o.required_skills);
  SampleDistinct(rng, OtherItems(rome), static_cast<size_t>(rng.Between(0, 4)), o.desired_skills);

  // French: none 20 %, desired 30 %, required 50 %; minimum A1 30 %, A2 45 %, B1 25 %.
  static constexpr uint32_t kFrench[] = {20, 30, 50};
  o.french_requirement = static_cast<Requirement>(rng.Pick(kFrench));
  if (o.french_requirement != Requirement::kNone) {
    static constexpr uint32_t kMin[] = {30, 45, 25};
    o.french_min_level = static_cast<CefrLevel>(1 + rng.Pick(kMin));
  }

  // Contract: CDI 30 %, CDD 25 %, interim 20 %, professionnalisation 9 %, apprentissage 6 %, POEC 10 %.
  static constexpr uint32_t kContracts[] = {30, 25, 20, 9, 6, 10};
  static constexpr ContractType kContractValues[] = {ContractType::kCdi, ContractType::kCdd,
                                                     ContractType::kInterim, ContractType::kProfessionnalisation,
                                                     ContractType::kApprentissage, ContractType::kPoec};
  o.contract = kContractValues[rng.Pick(kContracts)];
  // French training route on 25 % of openings: every POEC (400 h), and 1 in 6 of the others (400 or 200 h).
  if (o.contract == ContractType::kPoec) {
    o.french_training_hours = 400;
  } else if (rng.Chance(1.0 / 6.0)) {
    o.french_training_hours = rng.Chance(0.5) ? 400 : 200;
  }
  // Work-study and POEC contracts come with training: 25 % of openings.
  o.training_provided = o.contract == ContractType::kPoec || o.contract == ContractType::kProfessionnalisation ||
                        o.contract == ContractType::kApprentissage;

  static constexpr uint32_t kLicence[] = {75, 15, 10};  // none, desired, required
  o.driving_licence = static_cast<Requirement>(rng.Pick(kLicence));
  o.start_date = options_.reference_day + static_cast<Day>(rng.Below(91));
  if (rng.Chance(0.30)) {
    o.weekly_schedule = rng.Chance(0.6) ? WeekdaySlots({0, 1}) : WeekdaySlots({0, 1, 2});
  }
  static constexpr uint32_t kPositions[] = {60, 20, 10, 5, 5};
  o.positions = 1 + static_cast<int32_t>(rng.Pick(kPositions));
  o.housing_provided = rng.Chance(0.10);
  o.hard_to_fill = rng.Chance(0.20);
  sample::FillOpeningOfferFields(options_.seed, i, options_.reference_day, o);
  return o;
}

std::vector<Candidate> CohortGenerator::CandidateRange(int64_t begin, int64_t end) const {
  std::vector<Candidate> out;
  if (end <= begin) return out;
  out.reserve(static_cast<size_t>(end - begin));
  for (int64_t i = begin; i < end; ++i) out.push_back(MakeCandidate(i));
  return out;
}

std::vector<Opening> CohortGenerator::OpeningRange(int64_t begin, int64_t end) const {
  std::vector<Opening> out;
  if (end <= begin) return out;
  out.reserve(static_cast<size_t>(end - begin));
  for (int64_t i = begin; i < end; ++i) out.push_back(MakeOpening(i));
  return out;
}

}  // namespace passerelle::engine
