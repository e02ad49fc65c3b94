// The records Passerelle matches: a candidate (a person looking for work, pseudonymous) and an opening
// (an employer's job offer). These are the values as a caller writes them, with public codes (ROME,
// INSEE, code_ogr); engine/model/resolve.h checks them against the reference data.
//
// By design there is no field for nationality, origin, gender, age, name, religion, family situation or
// health (Code du travail L1132-1): the engine cannot score on what it does not hold.
#ifndef PASSERELLE_ENGINE_MODEL_TYPES_H_
#define PASSERELLE_ENGINE_MODEL_TYPES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace passerelle::engine {

// Common European Framework of Reference levels; kPreA1 is "not yet A1" (the OFII course's entry point).
enum class CefrLevel : uint8_t { kPreA1 = 0, kA1 = 1, kA2 = 2, kB1 = 3, kB2 = 4, kC1 = 5, kC2 = 6 };
inline constexpr int kCefrLevelCount = 7;

enum class TransportMode : uint8_t {
  kUnspecified = 0,  // treated as public transport
  kWalking = 1,
  kBicycle = 2,
  kPublicTransport = 3,
  kCar = 4,  // needs a driving licence and a vehicle to count as a car
};

enum class HousingStatus : uint8_t {
  kStable = 0,     // own or rented home
  kTemporary = 1,  // CADA, CPH, HUDA, hostel: tied to a place, cannot follow a move
  kEmergency = 2,  // 115 emergency shelter
  kNone = 3,       // no housing
};

// Contract types met in the integration programmes (domain.md, criterion 13). Bit i of a contract mask
// stands for the enumerator with value i.
enum class ContractType : uint8_t {
  kCdi = 0,
  kCdd = 1,
  kCddUsage = 2,
  kInterim = 3,           // temp work (France Travail "MIS")
  kCdpi = 4,              // work-study inside temp work
  kProfessionnalisation = 5,
  kApprentissage = 6,
  kPoec = 7,              // pre-hire training (400 h of French in HOPE)
  kImmersion = 8,         // PMSMP
  kStage = 9,
  kAfest = 10,
  kIae = 11,              // work-integration contract
};
inline constexpr int kContractTypeCount = 12;
inline constexpr uint32_t ContractBit(ContractType t) { return 1u << static_cast<uint32_t>(t); }
inline constexpr uint32_t kAllContractsMask = (1u << kContractTypeCount) - 1;

// France Travail's exigence codes: E (exigé) = required, S (souhaité) = desired.
enum class Requirement : uint8_t { kNone = 0, kDesired = 1, kRequired = 2 };

// Driving licence categories of the French licence (permis), as France Travail names them. Bit i of a
// licence mask stands for the enumerator with value i.
enum class LicenceCategory : uint8_t {
  kAm = 0, kA1 = 1, kA2 = 2, kA = 3, kB = 4, kBe = 5, kC1 = 6, kC1e = 7, kC = 8, kCe = 9,
  kD1 = 10, kD1e = 11, kD = 12, kDe = 13,
};
inline constexpr int kLicenceCategoryCount = 14;
inline constexpr uint32_t LicenceBit(LicenceCategory c) { return 1u << static_cast<uint32_t>(c); }

// Qualification levels of the French national nomenclature (2019): 3 = CAP/BEP, 4 = bac, 5 = bac+2,
// 6 = licence, 7 = master, 8 = doctorate; 0 = none or not stated.
inline constexpr int kMaxQualificationLevel = 8;

// A language other than French: ISO 639 code (639-1 when it exists, else 639-3: "ar", "en", "prs" for
// Dari, "ps" Pashto, "ti" Tigrinya), lower case.
struct LanguageSkill {
  std::string code;
  CefrLevel level = CefrLevel::kPreA1;  // the person's level
};
struct LanguageRequirement {
  std::string code;
  CefrLevel min_level = CefrLevel::kPreA1;  // kPreA1 = no level stated
  Requirement requirement = Requirement::kDesired;
};

// A published field Passerelle does not interpret, kept verbatim for display (e.g. France Travail's
// "salaire.complement1", an unrecognised "permis" label).
struct DisplayField {
  std::string name;   // the published field path, e.g. "salaire.libelle"
  std::string value;
};

// Weekly slots: bit (day * 4 + slot), day 0 = Monday .. 6 = Sunday, slot 0 morning, 1 afternoon,
// 2 evening, 3 night. A mask of 0 means "not stated" and fits any schedule.
inline constexpr int kSlotsPerDay = 4;
inline constexpr uint32_t kWeekMask = (1u << (7 * kSlotsPerDay)) - 1;
inline constexpr uint32_t WeeklySlotBit(int day, int slot) { return 1u << (day * kSlotsPerDay + slot); }

// Dates are whole days since 1970-01-01 (UTC), so scoring never reads a clock.
using Day = int32_t;

struct PastOccupation {
  std::string rome_code;  // ROME 4.0 code, e.g. "F1606"
  float years = 0;        // experience in that occupation, in years (>= 0)
};

struct Candidate {
  std::string id;        // pseudonymous, chosen by the owner; never a name
  std::string owner_id;  // organisation that owns the record (platform, France Travail agency)

  // Where the person lives and how they can travel.
  std::string commune_insee;  // INSEE commune code, 5 characters
  TransportMode transport_mode = TransportMode::kUnspecified;
  float max_commute_km = 0;   // explicit one-way limit; 0 = derive from the transport mode
  bool driving_licence = false;    // holds a licence valid in France (any category); kept for old records
  uint32_t licence_categories = 0;          // LicenceBit mask of categories held and valid in France
  uint32_t licence_categories_pending = 0;  // held abroad, exchange for a French licence under way
  bool vehicle = false;
  bool relocation_accepted = false;  // would move for a job if housing is solved
  HousingStatus housing = HousingStatus::kStable;

  // French.
  CefrLevel french_level = CefrLevel::kPreA1;
  bool french_attested = false;     // level certified (e.g. OFII / DELF), not only declared
  float french_hours_planned = 0;   // hours of French course already planned before starting work

  std::vector<LanguageSkill> languages;  // languages other than French, with a CEFR level each

  // Qualification: the level reached by studies or experience, and whether a French diploma or an
  // ENIC-NARIC attestation recognises it (foreign diplomas often are not).
  int32_t qualification_level = 0;  // 0..kMaxQualificationLevel
  bool qualification_recognised = false;
  float min_monthly_salary_eur = 0;  // gross, filters openings that state a lower maximum; 0 = any

  std::vector<int64_t> skills;                   // ROME 4.0 skill items (code_ogr)
  std::vector<PastOccupation> past_occupations;
  std::vector<std::string> wished_occupations;  // ROME codes, most wished first

  uint32_t accepted_contracts = 0;  // ContractBit mask; 0 = any contract
  Day available_from = 0;           // first day the person can start
  uint32_t weekly_availability = 0; // WeeklySlotBit mask; 0 = any time (e.g. no childcare constraint)
  bool right_to_work = false;       // protection status or permit allows work in France
  bool shared_with_employers = false;  // the owner lets employer organisations see this candidate (consent)
};

struct Opening {
  std::string id;
  std::string owner_id;     // organisation that owns the record
  std::string employer_id;  // pseudonymous employer reference (e.g. a hash of the SIRET)
  std::string title;        // display only (France Travail "intitule"); never scored
  std::string rome_code;    // ROME 4.0 code; may be left empty when appellation_code is set
  int64_t appellation_code = 0;  // ROME job title (code_ogr); 0 = none
  std::string commune_insee;

  std::vector<int64_t> required_skills;  // exigence E
  std::vector<int64_t> desired_skills;   // exigence S

  CefrLevel french_min_level = CefrLevel::kPreA1;
  Requirement french_requirement = Requirement::kNone;
  float french_training_hours = 0;  // hours of French the opening's route includes (POEC: 400)

  Requirement driving_licence = Requirement::kNone;
  ContractType contract = ContractType::kCdi;
  Day start_date = 0;
  uint32_t weekly_schedule = 0;  // WeeklySlotBit mask of the shifts; 0 = not stated
  int32_t positions = 1;         // number of people to hire (France Travail "nombrePostes")
  bool housing_provided = false;
  bool training_provided = false;
  bool hard_to_fill = false;     // France Travail "offresManqueCandidats"

  // What France Travail offers carry (docs/francetravail.md), also writable by any caller.
  Requirement experience_requirement = Requirement::kNone;  // "experienceExige": D (none) / S / E
  float experience_months = 0;     // months asked in the occupation ("2 An(s)" = 24)
  std::string experience_label;    // "experienceLibelle", display only
  uint32_t licences_required = 0;  // LicenceBit mask, permis[] with exigence E
  uint32_t licences_desired = 0;   // LicenceBit mask, permis[] with exigence S
  std::vector<LanguageRequirement> languages;  // langues[]
  int32_t qualification_level = 0;             // from formations[].niveauLibelle; 0 = none asked
  Requirement qualification_requirement = Requirement::kNone;
  float salary_monthly_min_eur = 0;  // gross; 0 = not stated
  float salary_monthly_max_eur = 0;
  std::string salary_label;          // "salaire.libelle", display only
  float weekly_hours = 0;            // from "dureeTravailLibelle"; 0 = not stated
  std::string working_time_label;    // "dureeTravailLibelle", display only
  bool night_work = false;           // from "conditionExercice"
  bool weekend_work = false;
  Day created_on = 0;                // "dateCreation"; 0 = unknown
  Day updated_on = 0;                // "dateActualisation"; 0 = unknown
  // Last day the opening is open; 0 = no expiry. Set by the catalog (the caller's expires_on, or a France
  // Travail offer's lifetime); a query whose MatchQuery::today is later never matches it (kExpired).
  Day expires_on = 0;
  std::string source;                // who published it: "francetravail", a platform's name; "" = the owner
  std::string source_id;             // the offer's id at its source (France Travail "id")
  std::vector<DisplayField> display_fields;  // published fields kept verbatim
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_MODEL_TYPES_H_
