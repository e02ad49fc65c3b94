// Counsellor-judgement cases (docs/quality.md): hand-made records, the order a counsellor expects and the
// reasons they expect to read, run through the real engine (tests/quality/case_runner.h).
//
// A case is one table entry. Records are built with the small builders below so that an entry reads like
// a counsellor's file: who the person is, which openings, on which day the counsellor asks.
//
// Example:
//   {.name = "exact-occupation-first", .topic = "occupation", .today = "2026-02-02",
//    .people = {Person("p-amina").LivesIn(kSaintDenis).Wishes("F1703")},
//    .openings = {Job("o-macon", "F1703", kBobigny), Job("o-coffreur", "F1701", kBobigny)},
//    .order = {"o-macon", "o-coffreur"},
//    .checks = {{"o-coffreur", "occupation", "Même domaine professionnel"}},
//    .why = "Her own project comes first."}
#ifndef PASSERELLE_TESTS_QUALITY_CASE_FORMAT_H_
#define PASSERELLE_TESTS_QUALITY_CASE_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/model/types.h"

namespace passerelle::engine::quality {

// Communes used by the cases (INSEE codes; distances from Saint-Denis in brackets).
inline constexpr const char* kSaintDenis = "93066";
inline constexpr const char* kAubervilliers = "93001";  // 3 km
inline constexpr const char* kPantin = "93055";         // 5 km
inline constexpr const char* kBobigny = "93008";        // 7 km
inline constexpr const char* kParis = "75056";          // 9 km
inline constexpr const char* kMontreuil = "93048";      // 10 km
inline constexpr const char* kRoissy = "95527";         // 13 km
inline constexpr const char* kCreteil = "94028";        // 18 km
inline constexpr const char* kCergy = "95127";          // 26 km
inline constexpr const char* kMeaux = "77284";          // 39 km
inline constexpr const char* kBeauvais = "60057";       // 60 km
inline constexpr const char* kRennes = "35238";         // 312 km
inline constexpr const char* kLyon = "69123";           // 400 km

// A person, built step by step. Defaults: lives in Saint-Denis, public transport, stable housing, pre-A1
// French, right to work, any contract, any time, available 2026-03-02.
class Person {
 public:
  explicit Person(std::string id);
  Person& LivesIn(std::string insee);
  Person& Travels(TransportMode mode);
  Person& MaxCommuteKm(float km);
  Person& DrivingLicence(bool vehicle);  // category B, and a car when `vehicle`
  Person& Licences(uint32_t held, uint32_t pending = 0);  // LicenceBit masks
  Person& WouldMove();
  Person& Housing(HousingStatus status);
  Person& French(CefrLevel level, bool attested = true, float hours_planned = 0);
  Person& Speaks(std::string language, CefrLevel level);
  Person& Knows(std::vector<int64_t> skill_items);
  Person& Wishes(std::vector<std::string> rome_codes);
  Person& WorkedAs(std::string rome_code, float years);
  Person& Accepts(std::vector<ContractType> contracts);
  Person& AvailableFrom(const char* iso_day);
  Person& AvailableSlots(uint32_t weekly_slots);
  Person& NoRightToWork();
  Person& MinSalaryEur(float monthly);
  Person& Qualification(int32_t level, bool recognised);  // level 0..8 (types.h)
  operator const Candidate&() const { return c_; }  // NOLINT: a builder reads as its record
  const Candidate& record() const { return c_; }

 private:
  Candidate c_;
};

// An opening, built step by step. Defaults: CDI, one position, no French requirement, no skills listed
// (the occupation's core items then stand in), starts 2026-03-02, no expiry.
class Job {
 public:
  Job(std::string id, std::string rome_code, std::string insee, std::string title = "");
  Job& Requires(std::vector<int64_t> skill_items);
  Job& Desires(std::vector<int64_t> skill_items);
  Job& FrenchRequired(CefrLevel level);
  Job& FrenchDesired(CefrLevel level);
  Job& FrenchTrainingHours(float hours);  // the POEC's French
  Job& TrainingProvided();
  Job& HousingProvided();
  Job& HardToFill();
  Job& Contract(ContractType contract);
  Job& Starts(const char* iso_day);  // "" = as soon as possible
  Job& ExpiresOn(const char* iso_day);
  Job& Shifts(uint32_t weekly_slots);
  Job& NightWork();
  Job& WeekendWork();
  Job& CarLicence(Requirement requirement);
  Job& LicencesRequired(uint32_t categories);
  Job& LanguageRequired(std::string language, CefrLevel level);
  Job& LanguageDesired(std::string language, CefrLevel level);  // exigence S: a desired asset
  Job& LicencesDesired(uint32_t categories);                    // exigence S: a desired asset
  Job& SalaryMaxEur(float monthly);
  Job& AsksExperience(Requirement requirement, float months);
  Job& AsksQualification(Requirement requirement, int32_t level);
  operator const Opening&() const { return o_; }  // NOLINT
  const Opening& record() const { return o_; }

 private:
  Opening o_;
};

// Weekly slot masks (types.h WeeklySlotBit): weekday mornings and afternoons, school hours only,
// weekday evenings, nights, weekends.
uint32_t WeekdayDaytime();
uint32_t SchoolHours();  // Monday to Friday mornings
uint32_t WeekdayEvenings();
uint32_t AllNights();
uint32_t Weekends();

// One thing a counsellor expects to read about a pair (the case's person with `other`, or, when the case
// ranks people, the case's opening with the person `other`). `what` is one of:
//   "occupation", "skills", "french", "mobility", "housing", "tension", "timing": that criterion's French
//       reason contains `words`;
//   "blockers": the pair's blocker codes, comma-separated in bit order, equal `words` ("" = eligible);
//   a blocker code ("TOO_FAR"): that blocker's French reason contains `words`;
//   "unlock CODE": that blocker's French unlock contains `words`;
//   "no score": the pair has a blocker that cannot be lifted and `words` is empty;
//   "ready": the day the person can start, "YYYY-MM-DD";
//   "in scope": when nothing is eligible, the blockers counted over the openings in scope, most common
//       first, "CODE xN, CODE xM" (the person's MatchOpenings; `other` is empty).
struct Check {
  std::string other;
  std::string what;
  std::string words;
};

enum class Ask {
  kOpeningsForPerson,  // MatchOpenings for the only person
  kPeopleForOpening,   // MatchCandidates for the only opening
};

struct Case {
  std::string name;   // unique, kebab-case: the heading in docs/quality.md
  std::string topic;  // the criterion, blocker code or "pathway" the case is about
  std::string story;  // the situation in a counsellor's words
  std::string today;  // the day the counsellor asks, YYYY-MM-DD (never the clock)
  Ask ask = Ask::kOpeningsForPerson;
  std::vector<Person> people;
  std::vector<Job> openings;
  std::vector<std::string> order;        // eligible ids, best first: exactly these
  std::vector<std::string> near_misses;  // near-miss ids, best first: exactly these
  std::vector<Check> checks;
  std::string why;  // why a counsellor expects this order
  bool strict_skills = false;  // the programme's profile makes required skill items a hard constraint
  // Empty when a counsellor agrees with the engine. Otherwise how they differ: the checks then pin the
  // engine's current answer (so that a change of the model is noticed) and docs/quality.md lists the case
  // under "Disagreements found".
  std::string disagreement;
};

}  // namespace passerelle::engine::quality

#endif  // PASSERELLE_TESTS_QUALITY_CASE_FORMAT_H_
