// Every enum conversion between the protobuf form (proto/passerelle/v1) and the engine, in one place for
// the record codec, the store, the server's request conversions and the batch rpcs. Header only: it needs
// the protobuf messages (passerelle_proto_messages) and the engine, never gRPC.
//
// Each proto enum is its engine enum shifted by one, so that 0 is the proto's UNSPECIFIED; the
// static_asserts below fail the build when either side is renumbered or grows without the other.
// *FromProto functions take values the caller has checked with the proto's *_IsValid (and, where
// UNSPECIFIED is not allowed, checked that too); they say what UNSPECIFIED reads as.
//
// Thread-safety: stateless functions.
#ifndef PASSERELLE_ENGINE_STORE_ENUM_CODEC_H_
#define PASSERELLE_ENGINE_STORE_ENUM_CODEC_H_

#include <optional>

#include "engine/batch/assignment.h"
#include "engine/batch/cohort_assignment.h"
#include "engine/model/types.h"
#include "engine/scoring/profile.h"
#include "engine/store/store.h"
#include "passerelle/v1/matching.pb.h"
#include "passerelle/v1/records.pb.h"

namespace passerelle::engine {
namespace enum_codec_internal {

// The proto value of engine value `engine` is engine + 1.
template <class Proto, class Engine>
constexpr bool ShiftedByOne(Proto proto, Engine engine) {
  return static_cast<int>(proto) == static_cast<int>(engine) + 1;
}

}  // namespace enum_codec_internal

using enum_codec_internal::ShiftedByOne;

// CefrLevel. UNSPECIFIED and PRE_A1 both read as "no level".
static_assert(ShiftedByOne(v1::CEFR_LEVEL_PRE_A1, CefrLevel::kPreA1) && ShiftedByOne(v1::CEFR_LEVEL_A1, CefrLevel::kA1) &&
              ShiftedByOne(v1::CEFR_LEVEL_A2, CefrLevel::kA2) && ShiftedByOne(v1::CEFR_LEVEL_B1, CefrLevel::kB1) &&
              ShiftedByOne(v1::CEFR_LEVEL_B2, CefrLevel::kB2) && ShiftedByOne(v1::CEFR_LEVEL_C1, CefrLevel::kC1) &&
              ShiftedByOne(v1::CEFR_LEVEL_C2, CefrLevel::kC2) && v1::CefrLevel_MAX == kCefrLevelCount);
inline CefrLevel CefrLevelFromProto(int value) {
  return value <= v1::CEFR_LEVEL_PRE_A1 ? CefrLevel::kPreA1 : static_cast<CefrLevel>(value - 1);
}
inline v1::CefrLevel CefrLevelToProto(CefrLevel level) {
  return static_cast<v1::CefrLevel>(static_cast<int>(level) + 1);
}

// TransportMode: the one enum numbered alike on both sides (UNSPECIFIED is kept, read as public transport).
static_assert(static_cast<int>(TransportMode::kUnspecified) == v1::TRANSPORT_MODE_UNSPECIFIED &&
              static_cast<int>(TransportMode::kWalking) == v1::TRANSPORT_MODE_WALKING &&
              static_cast<int>(TransportMode::kBicycle) == v1::TRANSPORT_MODE_BICYCLE &&
              static_cast<int>(TransportMode::kPublicTransport) == v1::TRANSPORT_MODE_PUBLIC_TRANSPORT &&
              static_cast<int>(TransportMode::kCar) == v1::TRANSPORT_MODE_CAR &&
              v1::TransportMode_MAX == static_cast<int>(TransportMode::kCar));
inline TransportMode TransportModeFromProto(int value) { return static_cast<TransportMode>(value); }
inline v1::TransportMode TransportModeToProto(TransportMode mode) { return static_cast<v1::TransportMode>(mode); }

// HousingStatus. UNSPECIFIED reads as stable housing (no need assumed).
static_assert(ShiftedByOne(v1::HOUSING_STATUS_STABLE, HousingStatus::kStable) &&
              ShiftedByOne(v1::HOUSING_STATUS_TEMPORARY, HousingStatus::kTemporary) &&
              ShiftedByOne(v1::HOUSING_STATUS_EMERGENCY, HousingStatus::kEmergency) &&
              ShiftedByOne(v1::HOUSING_STATUS_NONE, HousingStatus::kNone) &&
              v1::HousingStatus_MAX == static_cast<int>(HousingStatus::kNone) + 1);
inline HousingStatus HousingStatusFromProto(int value) {
  return value == v1::HOUSING_STATUS_UNSPECIFIED ? HousingStatus::kStable : static_cast<HousingStatus>(value - 1);
}
inline v1::HousingStatus HousingStatusToProto(HousingStatus housing) {
  return static_cast<v1::HousingStatus>(static_cast<int>(housing) + 1);
}

// ContractType. UNSPECIFIED is no contract type: callers reject it (ContractBitFromProto in record_codec.h).
static_assert(ShiftedByOne(v1::CONTRACT_TYPE_CDI, ContractType::kCdi) &&
              ShiftedByOne(v1::CONTRACT_TYPE_CDD, ContractType::kCdd) &&
              ShiftedByOne(v1::CONTRACT_TYPE_CDD_USAGE, ContractType::kCddUsage) &&
              ShiftedByOne(v1::CONTRACT_TYPE_INTERIM, ContractType::kInterim) &&
              ShiftedByOne(v1::CONTRACT_TYPE_CDPI, ContractType::kCdpi) &&
              ShiftedByOne(v1::CONTRACT_TYPE_PROFESSIONNALISATION, ContractType::kProfessionnalisation) &&
              ShiftedByOne(v1::CONTRACT_TYPE_APPRENTISSAGE, ContractType::kApprentissage) &&
              ShiftedByOne(v1::CONTRACT_TYPE_POEC, ContractType::kPoec) &&
              ShiftedByOne(v1::CONTRACT_TYPE_IMMERSION, ContractType::kImmersion) &&
              ShiftedByOne(v1::CONTRACT_TYPE_STAGE, ContractType::kStage) &&
              ShiftedByOne(v1::CONTRACT_TYPE_AFEST, ContractType::kAfest) &&
              ShiftedByOne(v1::CONTRACT_TYPE_IAE, ContractType::kIae) && v1::ContractType_MAX == kContractTypeCount);
inline ContractType ContractTypeFromProto(int value) { return static_cast<ContractType>(value - 1); }
inline v1::ContractType ContractTypeToProto(ContractType type) {
  return static_cast<v1::ContractType>(static_cast<int>(type) + 1);
}

// Requirement. UNSPECIFIED reads as not asked for.
static_assert(ShiftedByOne(v1::REQUIREMENT_NONE, Requirement::kNone) &&
              ShiftedByOne(v1::REQUIREMENT_DESIRED, Requirement::kDesired) &&
              ShiftedByOne(v1::REQUIREMENT_REQUIRED, Requirement::kRequired) &&
              v1::Requirement_MAX == static_cast<int>(Requirement::kRequired) + 1);
inline Requirement RequirementFromProto(int value) {
  return value <= v1::REQUIREMENT_NONE ? Requirement::kNone : static_cast<Requirement>(value - 1);
}
inline v1::Requirement RequirementToProto(Requirement requirement) {
  return static_cast<v1::Requirement>(static_cast<int>(requirement) + 1);
}

// LicenceCategory. UNSPECIFIED is no category: callers reject it (LicenceMaskFromProto in record_codec.cc).
static_assert(ShiftedByOne(v1::LICENCE_CATEGORY_AM, LicenceCategory::kAm) &&
              ShiftedByOne(v1::LICENCE_CATEGORY_B, LicenceCategory::kB) &&
              ShiftedByOne(v1::LICENCE_CATEGORY_BE, LicenceCategory::kBe) &&
              ShiftedByOne(v1::LICENCE_CATEGORY_C, LicenceCategory::kC) &&
              ShiftedByOne(v1::LICENCE_CATEGORY_CE, LicenceCategory::kCe) &&
              ShiftedByOne(v1::LICENCE_CATEGORY_D, LicenceCategory::kD) &&
              ShiftedByOne(v1::LICENCE_CATEGORY_DE, LicenceCategory::kDe) &&
              v1::LicenceCategory_MAX == kLicenceCategoryCount);
inline LicenceCategory LicenceCategoryFromProto(int value) { return static_cast<LicenceCategory>(value - 1); }
inline v1::LicenceCategory LicenceCategoryToProto(LicenceCategory category) {
  return static_cast<v1::LicenceCategory>(static_cast<int>(category) + 1);
}

// Weekly slots: the engine numbers days from 0 (Monday) and parts of the day from 0 (morning), the proto
// from 1. UNSPECIFIED is rejected by the caller.
static_assert(v1::WEEKDAY_MONDAY == 1 && v1::Weekday_MAX == 7 && v1::DAY_PART_MORNING == 1 &&
              v1::DayPart_MAX == kSlotsPerDay);
inline int WeekdayFromProto(int value) { return value - 1; }
inline v1::Weekday WeekdayToProto(int day) { return static_cast<v1::Weekday>(day + 1); }
inline int DayPartFromProto(int value) { return value - 1; }
inline v1::DayPart DayPartToProto(int part) { return static_cast<v1::DayPart>(part + 1); }

// Criterion (API only).
static_assert(ShiftedByOne(v1::CRITERION_OCCUPATION, Criterion::kOccupation) &&
              ShiftedByOne(v1::CRITERION_SKILLS, Criterion::kSkills) &&
              ShiftedByOne(v1::CRITERION_FRENCH, Criterion::kFrench) &&
              ShiftedByOne(v1::CRITERION_MOBILITY, Criterion::kMobility) &&
              ShiftedByOne(v1::CRITERION_HOUSING, Criterion::kHousing) &&
              ShiftedByOne(v1::CRITERION_TENSION, Criterion::kTension) &&
              ShiftedByOne(v1::CRITERION_TIMING, Criterion::kTiming) &&
              ShiftedByOne(v1::CRITERION_EXPERIENCE, Criterion::kExperience) && v1::Criterion_MAX == kCriterionCount);
inline v1::Criterion CriterionToProto(Criterion criterion) {
  return static_cast<v1::Criterion>(static_cast<int>(criterion) + 1);
}

// AssignmentMechanism. UNSPECIFIED reads as optimal; nullopt for a value the proto does not list.
static_assert(ShiftedByOne(v1::ASSIGNMENT_MECHANISM_OPTIMAL, AssignmentMechanism::kOptimal) &&
              ShiftedByOne(v1::ASSIGNMENT_MECHANISM_STABLE, AssignmentMechanism::kStableDeferredAcceptance) &&
              ShiftedByOne(v1::ASSIGNMENT_MECHANISM_GREEDY, AssignmentMechanism::kGreedy) &&
              v1::AssignmentMechanism_MAX == static_cast<int>(AssignmentMechanism::kGreedy) + 1);
inline std::optional<AssignmentMechanism> AssignmentMechanismFromProto(int value) {
  if (!v1::AssignmentMechanism_IsValid(value)) return std::nullopt;
  return value == v1::ASSIGNMENT_MECHANISM_UNSPECIFIED ? AssignmentMechanism::kOptimal
                                                       : static_cast<AssignmentMechanism>(value - 1);
}
inline v1::AssignmentMechanism AssignmentMechanismToProto(AssignmentMechanism mechanism) {
  return static_cast<v1::AssignmentMechanism>(static_cast<int>(mechanism) + 1);
}

// LeftOutReason (API only).
static_assert(ShiftedByOne(v1::LEFT_OUT_REASON_NO_RIGHT_TO_WORK, LeftOutReason::kNoRightToWork) &&
              ShiftedByOne(v1::LEFT_OUT_REASON_NO_ELIGIBLE_OPENING, LeftOutReason::kNoEligibleOpening) &&
              ShiftedByOne(v1::LEFT_OUT_REASON_CUT_BY_CONGESTION_CAP, LeftOutReason::kCutByCongestionCap) &&
              ShiftedByOne(v1::LEFT_OUT_REASON_LOST_TO_COMPETITION, LeftOutReason::kLostToCompetition) &&
              v1::LeftOutReason_MAX == static_cast<int>(LeftOutReason::kLostToCompetition) + 1);
inline v1::LeftOutReason LeftOutReasonToProto(LeftOutReason reason) {
  return static_cast<v1::LeftOutReason>(static_cast<int>(reason) + 1);
}

// RecordKind (GetStatus's invalid records).
static_assert(ShiftedByOne(v1::RECORD_KIND_CANDIDATE, RecordKind::kCandidate) &&
              ShiftedByOne(v1::RECORD_KIND_OPENING, RecordKind::kOpening) &&
              ShiftedByOne(v1::RECORD_KIND_SCORING_PROFILE, RecordKind::kProfile) &&
              v1::RecordKind_MAX == kRecordKindCount);
inline v1::RecordKind RecordKindToProto(RecordKind kind) {
  return static_cast<v1::RecordKind>(static_cast<int>(kind) + 1);
}

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_STORE_ENUM_CODEC_H_
