// Criterion "experience" (Expérience, qualification et atouts demandés, Criterion::kExperience), issue 11:
// the formula the kernel, the walks, the explanation and the scalar peer share (the PostgreSQL peer writes
// it in SQL), so that their equality checks hold by construction. Never a hard constraint: a required
// experience or qualification that falls short only lowers the score (docs/scoring.md says why).
//
// Experience: the candidate's experience in the opening's occupation, in months, is the best (max, not
// sum: the same years are often listed under two related codes) over their past occupations of
// 12 * years * share(relation to the opening's code). The score is 1 when the opening asks none, else
// floor + (1 - floor) * min(credited / asked, 1), with a lower floor when the experience is required (E)
// than when it is desired (S).
// Qualification: the candidate's level (French nomenclature, 3 = CAP .. 8 = doctorate) against the level
// the opening asks. Met and recognised (French diploma or ENIC-NARIC attestation): 1. Met without
// recognition: kQualificationUnrecognisedScore. Below: 1 - kQualificationPerLevel * gap, floored.
// The criterion: kExperienceShare * experience + (1 - kExperienceShare) * qualification, each part 1 when
// the opening does not ask it, so an opening asking neither scores 1 for everyone. When the opening asks
// for desired assets (languages, licence categories; desired_assets.h) they take kDesiredAssetsShare.
// Every function is branch-free arithmetic on scalars, so the kernel can run it in a plain loop that GCC
// vectorises (as LicencesMissing and WorkingTimeFits are).
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_EXPERIENCE_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_EXPERIENCE_H_

#include <algorithm>
#include <cstdint>
#include <optional>

#include "engine/model/language_columns.h"
#include "engine/model/offer_fields.h"
#include "engine/model/resolve.h"
#include "engine/model/types.h"
#include "engine/refdata/reference_data.h"
#include "engine/scoring/criteria/desired_assets.h"
#include "engine/scoring/occupation_relations.h"

namespace passerelle::engine::scoring {

// Share of the years in a past occupation credited towards the opening's, by relation: a move ROME lists
// (rubrique mobilité) transfers most gestures; the same domaine professionnel some; beyond, none.
inline constexpr float kExperienceExactShare = 1.0f;
inline constexpr float kExperienceMobilityShare = 0.5f;
inline constexpr float kExperienceSameDomaineShare = 0.25f;
// Score with no credited experience at all. Desired (S): a small penalty, the employer says it can do
// without. Required (E): low but not 0, since France Travail's E often stands for "débutant non accepté"
// and experience abroad is under-declared; never a hard constraint.
inline constexpr float kExperienceDesiredFloor = 0.6f;
inline constexpr float kExperienceRequiredFloor = 0.2f;

// Qualification level met but without a diploma recognised in France: the level is real, recognition
// (ENIC-NARIC attestation) is a step a counsellor can start.
inline constexpr float kQualificationUnrecognisedScore = 0.8f;
// Each level below the one asked costs this much, down to the floor of the requirement.
inline constexpr float kQualificationPerLevel = 0.25f;
inline constexpr float kQualificationDesiredFloor = 0.5f;
inline constexpr float kQualificationRequiredFloor = 0.0f;

// Weight of experience inside the criterion; the rest is qualification. In the occupations this engine
// serves (métiers en tension), employers hire on gestures more than on diplomas.
inline constexpr float kExperienceShare = 0.6f;

// Share of years credited from a past occupation related to the opening's by `relation`.
inline float ExperienceRelationShare(OccupationRelation relation) {
  return relation == OccupationRelation::kExact          ? kExperienceExactShare
         : relation == OccupationRelation::kMobilityLink ? kExperienceMobilityShare
         : relation == OccupationRelation::kSameDomaine  ? kExperienceSameDomaineShare
                                                         : 0.0f;
}

// Months credited towards the opening's occupation for `years` in a past occupation at `relation`.
inline float CreditedExperienceMonths(OccupationRelation relation, float years) {
  return 12.0f * std::max(years, 0.0f) * ExperienceRelationShare(relation);
}

// The experience part from the requirement as the kernel's column holds it (0 none, 1 desired, 2
// required): the one arithmetic every path runs.
inline float ExperienceScoreOf(float requirement, float months_asked, float credited_months) {
  const bool asked = (requirement > 0.5f) & (months_asked > 0);
  const float floor = requirement > 1.5f ? kExperienceRequiredFloor : kExperienceDesiredFloor;
  const float ratio = std::min(std::max(credited_months, 0.0f) / std::max(months_asked, 1.0f), 1.0f);
  return asked ? floor + (1.0f - floor) * ratio : 1.0f;
}

// Experience part in [0, 1]; `credited_months` is the max of CreditedExperienceMonths over the
// candidate's past occupations. An opening asking no months (or kNone) asks nothing.
inline float ExperienceScore(Requirement requirement, float months_asked, float credited_months) {
  return ExperienceScoreOf(static_cast<float>(requirement), months_asked, credited_months);
}

// Where the candidate stands against the opening's qualification; drives the score and the reason.
enum class QualificationStatus : uint8_t {
  kNotAsked = 0,         // no level asked (0) or requirement kNone
  kMet = 1,              // level reached, recognised in France
  kMetUnrecognised = 2,  // level reached, no diploma recognised in France
  kBelow = 3,            // level below the one asked
};

inline QualificationStatus QualificationStatusOf(Requirement requirement, int32_t level_asked, int32_t level_held,
                                                 bool recognised) {
  if (requirement == Requirement::kNone || level_asked <= 0) return QualificationStatus::kNotAsked;
  if (level_held < level_asked) return QualificationStatus::kBelow;
  return recognised ? QualificationStatus::kMet : QualificationStatus::kMetUnrecognised;
}

// The qualification part from the kernel's float columns (requirement 0/1/2, levels, recognised 0/1).
inline float QualificationScoreOf(float requirement, float level_asked, float level_held, float recognised) {
  const bool asked = (requirement > 0.5f) & (level_asked > 0);
  const float gap = std::max(level_asked - level_held, 0.0f);
  const float floor = requirement > 1.5f ? kQualificationRequiredFloor : kQualificationDesiredFloor;
  const float below = std::max(1.0f - kQualificationPerLevel * gap, floor);
  const float met = recognised > 0.5f ? 1.0f : kQualificationUnrecognisedScore;
  return asked ? (gap > 0 ? below : met) : 1.0f;
}

// Qualification part in [0, 1].
inline float QualificationScore(Requirement requirement, int32_t level_asked, int32_t level_held, bool recognised) {
  return QualificationScoreOf(static_cast<float>(requirement), static_cast<float>(level_asked),
                              static_cast<float>(level_held), recognised ? 1.0f : 0.0f);
}

// The criterion's score from its two parts.
inline float ExperienceQualificationScore(float experience, float qualification) {
  return kExperienceShare * experience + (1.0f - kExperienceShare) * qualification;
}

// Share of the desired assets (engine/scoring/criteria/desired_assets.h) in the criterion when the
// opening asks for any: experience and qualification keep their 0.6 / 0.4 split of the rest (0.48 /
// 0.32 / 0.2). Small, since the employer says it can do without them; present, since a desired Arabic or
// a C licence is a real reason to put this person forward.
inline constexpr float kDesiredAssetsShare = 0.2f;

// The criterion with the desired assets: `base` (ExperienceQualificationScore) when the opening asks for
// no desired asset (`asked` = 0), else (1 - kDesiredAssetsShare) * base + kDesiredAssetsShare * credit /
// asked. The one arithmetic the kernel, the explanation and the scalar peer run.
inline float ExperienceWithAssetsScore(float base, float asked, float credit) {
  const float assets = credit / std::max(asked, 1.0f);
  return asked > 0 ? (1.0f - kDesiredAssetsShare) * base + kDesiredAssetsShare * assets : base;
}

// The desired-asset bits of one pair, from the records.
inline DesiredAssetBits DesiredAssetBitsOf(const Candidate& candidate, const Opening& opening) {
  DesiredAssetBits b{};
  for (int k = 0; k < kLanguageWords; ++k) {
    b.desired_languages[k] = DesiredLanguageWord(opening, k);
    b.spoken_languages[k] = SpokenLanguageWord(candidate, k);
  }
  b.desired_licences = opening.licences_desired;
  b.held_licences = HeldLicences(candidate);
  b.pending_licences = candidate.licence_categories_pending;
  return b;
}

// The criterion's score for one pair from the records and the credited months (the scalar peer's form).
inline float ExperienceWithAssetsScore(const Candidate& candidate, const Opening& opening, float credited_months) {
  const float base = ExperienceQualificationScore(
      ExperienceScore(opening.experience_requirement, opening.experience_months, credited_months),
      QualificationScore(opening.qualification_requirement, opening.qualification_level,
                         candidate.qualification_level, candidate.qualification_recognised));
  const DesiredAssetBits b = DesiredAssetBitsOf(candidate, opening);
  return ExperienceWithAssetsScore(base, DesiredAssetsAsked(b), DesiredAssetsCredit(b));
}

// The candidate's best credited months towards the occupation `opening_rome` (a ROME index), resolving
// the codes of past_occupations (an unknown code credits nothing; resolution has rejected it already).
// The per-pair form the explanation and the scalar peer are to use; the kernel's walk will need the
// years beside the occupations in the candidate segment.
inline float BestCreditedExperienceMonths(const Candidate& candidate, int32_t opening_rome,
                                          const ReferenceData& data, const OccupationRelations& relations) {
  float best = 0;
  for (const PastOccupation& past : candidate.past_occupations) {
    const std::optional<int32_t> rome = data.FindRome(past.rome_code);
    if (!rome || opening_rome < 0) continue;
    best = std::max(best, CreditedExperienceMonths(relations.Relation(*rome, opening_rome), past.years));
  }
  return best;
}

// The same from a resolved candidate's past occupations (ResolvedCandidate::experience: ROME index and
// years), without looking codes up: what the walks and the scalar peer use.
inline float BestCreditedExperienceMonths(const ResolvedCandidate& candidate, int32_t opening_rome,
                                          const OccupationRelations& relations) {
  float best = 0;
  if (opening_rome < 0) return best;
  for (const WeightedOccupation& past : candidate.experience) {
    best = std::max(best, CreditedExperienceMonths(relations.Relation(past.rome_index, opening_rome), past.factor));
  }
  return best;
}

// The criterion's score for one pair, from the records (`opening_rome` is the opening's ROME index).
inline float ExperienceCriterionScore(const Candidate& candidate, const Opening& opening, int32_t opening_rome,
                                      const ReferenceData& data, const OccupationRelations& relations) {
  return ExperienceWithAssetsScore(candidate, opening,
                                   BestCreditedExperienceMonths(candidate, opening_rome, data, relations));
}

// Reason words for a qualification met without recognition, for the explanation (both languages).
inline constexpr const char* kQualificationUnrecognisedFr = "a le niveau sans diplôme reconnu en France";
inline constexpr const char* kQualificationUnrecognisedEn = "has the level without a diploma recognised in France";

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_EXPERIENCE_H_
