#include "tests/quality/case_format.h"

#include <cstdlib>
#include <initializer_list>
#include <utility>

#include "engine/model/dates.h"

namespace passerelle::engine::quality {
namespace {

// Cases are written by hand: a malformed day is a typo in the table, so stop at once.
Day ParseOrDie(const char* iso_day) {
  if (iso_day == nullptr || iso_day[0] == '\0') return 0;
  auto day = ParseDay(iso_day, "case day");
  if (!day.ok()) std::abort();
  return *day;
}

}  // namespace

Person::Person(std::string id) {
  c_.id = std::move(id);
  c_.owner_id = "ft-agence-saint-denis";
  c_.commune_insee = kSaintDenis;
  c_.transport_mode = TransportMode::kPublicTransport;
  c_.housing = HousingStatus::kStable;
  c_.available_from = ParseOrDie("2026-03-02");
  c_.right_to_work = true;
}

Person& Person::LivesIn(std::string insee) { c_.commune_insee = std::move(insee); return *this; }
Person& Person::Travels(TransportMode mode) { c_.transport_mode = mode; return *this; }
Person& Person::MaxCommuteKm(float km) { c_.max_commute_km = km; return *this; }
Person& Person::DrivingLicence(bool vehicle) {
  c_.driving_licence = true;
  c_.licence_categories |= LicenceBit(LicenceCategory::kB);
  c_.vehicle = vehicle;
  return *this;
}
Person& Person::Licences(uint32_t held, uint32_t pending) {
  c_.licence_categories = held;
  c_.licence_categories_pending = pending;
  c_.driving_licence = (held & LicenceBit(LicenceCategory::kB)) != 0;
  return *this;
}
Person& Person::WouldMove() { c_.relocation_accepted = true; return *this; }
Person& Person::Housing(HousingStatus status) { c_.housing = status; return *this; }
Person& Person::French(CefrLevel level, bool attested, float hours_planned) {
  c_.french_level = level;
  c_.french_attested = attested;
  c_.french_hours_planned = hours_planned;
  return *this;
}
Person& Person::Speaks(std::string language, CefrLevel level) {
  c_.languages.push_back({std::move(language), level});
  return *this;
}
Person& Person::Knows(std::vector<int64_t> skill_items) { c_.skills = std::move(skill_items); return *this; }
Person& Person::Wishes(std::vector<std::string> rome_codes) {
  c_.wished_occupations = std::move(rome_codes);
  return *this;
}
Person& Person::WorkedAs(std::string rome_code, float years) {
  c_.past_occupations.push_back({std::move(rome_code), years});
  return *this;
}
Person& Person::Accepts(std::vector<ContractType> contracts) {
  c_.accepted_contracts = 0;
  for (ContractType t : contracts) c_.accepted_contracts |= ContractBit(t);
  return *this;
}
Person& Person::AvailableFrom(const char* iso_day) { c_.available_from = ParseOrDie(iso_day); return *this; }
Person& Person::AvailableSlots(uint32_t weekly_slots) { c_.weekly_availability = weekly_slots; return *this; }
Person& Person::NoRightToWork() { c_.right_to_work = false; return *this; }
Person& Person::MinSalaryEur(float monthly) { c_.min_monthly_salary_eur = monthly; return *this; }
Person& Person::Qualification(int32_t level, bool recognised) {
  c_.qualification_level = level;
  c_.qualification_recognised = recognised;
  return *this;
}

Job::Job(std::string id, std::string rome_code, std::string insee, std::string title) {
  o_.id = std::move(id);
  o_.owner_id = "platform-horizon";
  o_.employer_id = "emp-" + o_.id;
  o_.rome_code = std::move(rome_code);
  o_.commune_insee = std::move(insee);
  o_.title = title.empty() ? o_.rome_code : std::move(title);
  o_.contract = ContractType::kCdi;
  o_.start_date = ParseOrDie("2026-03-02");
  o_.positions = 1;
}

Job& Job::Requires(std::vector<int64_t> skill_items) { o_.required_skills = std::move(skill_items); return *this; }
Job& Job::Desires(std::vector<int64_t> skill_items) { o_.desired_skills = std::move(skill_items); return *this; }
Job& Job::FrenchRequired(CefrLevel level) {
  o_.french_min_level = level;
  o_.french_requirement = Requirement::kRequired;
  return *this;
}
Job& Job::FrenchDesired(CefrLevel level) {
  o_.french_min_level = level;
  o_.french_requirement = Requirement::kDesired;
  return *this;
}
Job& Job::FrenchTrainingHours(float hours) { o_.french_training_hours = hours; return *this; }
Job& Job::TrainingProvided() { o_.training_provided = true; return *this; }
Job& Job::HousingProvided() { o_.housing_provided = true; return *this; }
Job& Job::HardToFill() { o_.hard_to_fill = true; return *this; }
Job& Job::Contract(ContractType contract) { o_.contract = contract; return *this; }
Job& Job::Starts(const char* iso_day) { o_.start_date = ParseOrDie(iso_day); return *this; }
Job& Job::ExpiresOn(const char* iso_day) { o_.expires_on = ParseOrDie(iso_day); return *this; }
Job& Job::Shifts(uint32_t weekly_slots) { o_.weekly_schedule = weekly_slots; return *this; }
Job& Job::NightWork() { o_.night_work = true; return *this; }
Job& Job::WeekendWork() { o_.weekend_work = true; return *this; }
Job& Job::CarLicence(Requirement requirement) { o_.driving_licence = requirement; return *this; }
Job& Job::LicencesRequired(uint32_t categories) { o_.licences_required = categories; return *this; }
Job& Job::LanguageRequired(std::string language, CefrLevel level) {
  o_.languages.push_back({std::move(language), level, Requirement::kRequired});
  return *this;
}
Job& Job::LanguageDesired(std::string language, CefrLevel level) {
  o_.languages.push_back({std::move(language), level, Requirement::kDesired});
  return *this;
}
Job& Job::LicencesDesired(uint32_t categories) { o_.licences_desired = categories; return *this; }
Job& Job::SalaryMaxEur(float monthly) { o_.salary_monthly_max_eur = monthly; return *this; }
Job& Job::AsksExperience(Requirement requirement, float months) {
  o_.experience_requirement = requirement;
  o_.experience_months = months;
  return *this;
}
Job& Job::AsksQualification(Requirement requirement, int32_t level) {
  o_.qualification_requirement = requirement;
  o_.qualification_level = level;
  return *this;
}

namespace {
uint32_t Slots(int first_day, int last_day, std::initializer_list<int> slots) {
  uint32_t mask = 0;
  for (int day = first_day; day <= last_day; ++day) {
    for (int slot : slots) mask |= WeeklySlotBit(day, slot);
  }
  return mask;
}
}  // namespace

uint32_t WeekdayDaytime() { return Slots(0, 4, {0, 1}); }
uint32_t SchoolHours() { return Slots(0, 4, {0}); }
uint32_t WeekdayEvenings() { return Slots(0, 4, {2}); }
uint32_t AllNights() { return Slots(0, 6, {3}); }
uint32_t Weekends() { return Slots(5, 6, {0, 1, 2, 3}); }

}  // namespace passerelle::engine::quality
