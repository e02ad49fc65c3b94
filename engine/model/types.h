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
  bool driving_licence = false;
  bool vehicle = false;
  bool relocation_accepted = false;  // would move for a job if housing is solved
  HousingStatus housing = HousingStatus::kStable;

  // French.
  CefrLevel french_level = CefrLevel::kPreA1;
  bool french_attested = false;     // level certified (e.g. OFII / DELF), not only declared
  float french_hours_planned = 0;   // hours of French course already planned before starting work

  std::vector<int64_t> skills;                   // ROME 4.0 skill items (code_ogr)
  std::vector<PastOccupation> past_occupations;
  std::vector<std::string> wished_occupations;  // ROME codes, most wished first

  uint32_t accepted_contracts = 0;  // ContractBit mask; 0 = any contract
  Day available_from = 0;           // first day the person can start
  uint32_t weekly_availability = 0; // WeeklySlotBit mask; 0 = any time (e.g. no childcare constraint)
  bool right_to_work = false;       // protection status or permit allows work in France
  bool share_with_employers = false;  // consent: employers may see the record (never scored)
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
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_MODEL_TYPES_H_
