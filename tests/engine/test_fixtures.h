// Shared fixtures for engine tests: the real reference data (loaded once) and builders for realistic
// records: a mason's profile in Seine-Saint-Denis, openings in Bobigny and Lyon.
#ifndef PASSERELLE_TESTS_ENGINE_TEST_FIXTURES_H_
#define PASSERELLE_TESTS_ENGINE_TEST_FIXTURES_H_

#include <memory>
#include <string>

#include "engine/model/dates.h"
#include "engine/model/types.h"
#include "engine/refdata/reference_data.h"
#include "gtest/gtest.h"

namespace passerelle::engine::testing {

// True in the AddressSanitizer tree of scripts/test.sh (clang), where every memory access is checked and
// the generated-cohort tests run about eight times slower: the heaviest of them compare fewer candidates
// there, over the same openings and segments, to keep CI within its hour.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kUnderAddressSanitizer = true;
#else
inline constexpr bool kUnderAddressSanitizer = false;
#endif
#elif defined(__SANITIZE_ADDRESS__)
inline constexpr bool kUnderAddressSanitizer = true;
#else
inline constexpr bool kUnderAddressSanitizer = false;
#endif

// The repository's data/, loaded once per test binary.
inline std::shared_ptr<const ReferenceData> SharedReferenceData() {
  static std::shared_ptr<const ReferenceData> data = [] {
    auto loaded = ReferenceData::Load(ReferenceData::DefaultDataDir());
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status();
      std::abort();
    }
    return *loaded;
  }();
  return data;
}

// Core skill items of F1703 (maçon) in ROME 4.0.
inline constexpr int64_t kMasonSkillA = 100596;
inline constexpr int64_t kMasonSkillB = 100854;
inline constexpr int64_t kMasonSkillC = 102181;
inline constexpr int64_t kMasonSkillD = 103070;

inline constexpr const char* kBobigny = "93008";
inline constexpr const char* kSaintDenis = "93066";
inline constexpr const char* kLyon = "69123";
inline constexpr const char* kParis = "75056";

// A2 French (attested), wishes maçon, public transport, no licence, temporary housing (CPH), available
// 2026-03-02, accepts CDI, CDD, interim and work-study, right to work.
inline Candidate MasonCandidate(std::string id = "cand-mason") {
  Candidate c;
  c.id = std::move(id);
  c.owner_id = "ft-agence-bobigny";
  c.commune_insee = kSaintDenis;
  c.transport_mode = TransportMode::kPublicTransport;
  c.housing = HousingStatus::kTemporary;
  c.french_level = CefrLevel::kA2;
  c.french_attested = true;
  c.skills = {kMasonSkillA, kMasonSkillB, kMasonSkillC};
  c.wished_occupations = {"F1703"};
  c.past_occupations = {{"F1606", 3}};
  c.accepted_contracts = ContractBit(ContractType::kCdi) | ContractBit(ContractType::kCdd) |
                         ContractBit(ContractType::kInterim) | ContractBit(ContractType::kProfessionnalisation) |
                         ContractBit(ContractType::kPoec);
  c.available_from = DayFromCivil(2026, 3, 2);
  c.right_to_work = true;
  return c;
}

// A maçon CDI in Bobigny starting 2026-03-02, B1 French required, no training, no housing.
inline Opening MasonOpening(std::string id = "open-bobigny", std::string commune = kBobigny) {
  Opening o;
  o.id = std::move(id);
  o.owner_id = "platform-horizon";
  o.employer_id = "emp-btp-93";
  o.title = "Maçon (H/F)";
  o.rome_code = "F1703";
  o.commune_insee = std::move(commune);
  o.required_skills = {kMasonSkillA, kMasonSkillB};
  o.desired_skills = {kMasonSkillD};
  o.french_min_level = CefrLevel::kB1;
  o.french_requirement = Requirement::kRequired;
  o.contract = ContractType::kCdi;
  o.start_date = DayFromCivil(2026, 3, 2);
  o.positions = 2;
  return o;
}

}  // namespace passerelle::engine::testing

#endif  // PASSERELLE_TESTS_ENGINE_TEST_FIXTURES_H_
