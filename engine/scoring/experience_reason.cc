#include "engine/scoring/experience_reason.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "engine/model/language_columns.h"
#include "engine/model/offer_fields.h"
#include "engine/scoring/criteria/experience.h"
#include "engine/scoring/criteria/licence_categories.h"
#include "engine/scoring/sentence_words.h"

namespace passerelle::engine {
namespace {

namespace sc = scoring;

constexpr const char* kLevelNamesFr[] = {"", "", "", "CAP/BEP", "bac", "bac+2", "licence", "master", "doctorat"};
constexpr const char* kLevelNamesEn[] = {"", "", "", "CAP/BEP", "baccalauréat", "2 years of higher education",
                                         "bachelor's", "master's", "doctorate"};

// Names of kScoredLanguages, same order, for the desired-assets part.
constexpr const char* kLanguageNamesFr[kScoredLanguageCount] = {
    "anglais", "arabe", "dari", "pachto", "tigrinya", "ukrainien", "russe", "persan",
    "turc", "kurde", "somali", "espagnol", "allemand", "italien", "portugais", "chinois"};
constexpr const char* kLanguageNamesEn[kScoredLanguageCount] = {
    "English", "Arabic", "Dari", "Pashto", "Tigrinya", "Ukrainian", "Russian", "Persian",
    "Turkish", "Kurdish", "Somali", "Spanish", "German", "Italian", "Portuguese", "Chinese"};

// "2,5" / "2.5": years to one decimal.
std::string Years(float years, bool french) {
  std::string text = absl::StrCat(std::round(years * 10) / 10);
  if (french) text = absl::StrReplaceAll(text, {{".", ","}});
  return text;
}

std::string Months(float months) { return absl::StrCat(static_cast<int>(std::round(months))); }

std::string LevelFr(int level) {
  if (level <= 0) return "aucun niveau déclaré";
  const bool named = level < 9 && kLevelNamesFr[level][0] != '\0';
  return absl::StrCat("niveau ", level, named ? absl::StrCat(" (", kLevelNamesFr[level], ")") : "");
}
std::string LevelEn(int level) {
  if (level <= 0) return "no level stated";
  const bool named = level < 9 && kLevelNamesEn[level][0] != '\0';
  return absl::StrCat("level ", level, named ? absl::StrCat(" (", kLevelNamesEn[level], ")") : "");
}

// The past occupation that gives the credited months, in words: « 3 an(s) comme Maçon » with how it
// relates to the opening's occupation when it is not the same code.
// Sets *found to whether a past occupation gives any months (then the sentence is not empty).
Sentence CreditSource(const ResolvedCandidate& c, const ResolvedOpening& o, const ReferenceData& data,
                      const OccupationRelations& relations, Wanted w, bool* found) {
  float best = 0;
  const WeightedOccupation* source = nullptr;
  for (const WeightedOccupation& past : c.experience) {
    const float months = sc::CreditedExperienceMonths(relations.Relation(past.rome_index, o.rome_index), past.factor);
    if (months > best) best = months, source = &past;
  }
  *found = source != nullptr;
  if (source == nullptr) return {};
  const std::string& label = data.occupations()[source->rome_index].label;
  const OccupationRelation relation = relations.Relation(source->rome_index, o.rome_index);
  const int percent = static_cast<int>(std::round(100 * sc::ExperienceRelationShare(relation)));
  Sentence s = PASSERELLE_SAY(w, absl::StrCat(Years(source->factor, true), " an(s) comme ", label),
                              absl::StrCat(Years(source->factor, false), " year(s) as ", label));
  if (relation == OccupationRelation::kExact) return s;
  const bool mobility = relation == OccupationRelation::kMobilityLink;
  if (w.fr) {
    absl::StrAppend(&s.fr, mobility ? ", métier proche (passerelle ROME)" : ", même domaine professionnel",
                    ", compté(s) à ", percent, " %");
  }
  if (w.en) {
    absl::StrAppend(&s.en, mobility ? ", a related occupation (ROME move)" : ", the same occupational field",
                    ", counted at ", percent, "%");
  }
  return s;
}

Sentence ExperiencePart(const ResolvedCandidate& c, const ResolvedOpening& o, float credited, const ReferenceData& data,
                        const OccupationRelations& relations, Wanted w) {
  const Opening& r = o.record;
  const bool required = r.experience_requirement == Requirement::kRequired;
  Sentence s = PASSERELLE_SAY(w,
                              absl::StrCat("expérience ", required ? "exigée" : "souhaitée", " de ",
                                           Months(r.experience_months), " mois, ", Months(credited), " retenu(s)"),
                              absl::StrCat(required ? "experience required: " : "experience desired: ",
                                           Months(r.experience_months), " months, ", Months(credited), " credited"));
  bool found = false;
  const Sentence source = CreditSource(c, o, data, relations, w, &found);
  if (found) {
    if (w.fr) absl::StrAppend(&s.fr, " (", source.fr, ")");
    if (w.en) absl::StrAppend(&s.en, " (", source.en, ")");
  }
  if (credited < r.experience_months) {
    const std::string short_by = Months(r.experience_months - credited);
    if (w.fr)
      absl::StrAppend(&s.fr, " ; manquent ", short_by, " mois (une immersion PMSMP peut faire valoir le geste)");
    if (w.en) absl::StrAppend(&s.en, "; ", short_by, " months short (a PMSMP work trial can show the skill)");
  }
  return s;
}

Sentence QualificationPart(const ResolvedCandidate& c, const ResolvedOpening& o, Wanted w) {
  const Opening& r = o.record;
  const int asked = r.qualification_level, held = c.record.qualification_level;
  const bool required = r.qualification_requirement == Requirement::kRequired;
  Sentence s = PASSERELLE_SAY(w, absl::StrCat(LevelFr(asked), required ? " exigé, " : " souhaité, "),
                              absl::StrCat(LevelEn(asked), required ? " required, " : " desired, "));
  switch (sc::QualificationStatusOf(r.qualification_requirement, asked, held, c.record.qualification_recognised)) {
    case sc::QualificationStatus::kMet:
      if (w.fr) absl::StrAppend(&s.fr, LevelFr(held), " reconnu");
      if (w.en) absl::StrAppend(&s.en, LevelEn(held), " recognised");
      break;
    case sc::QualificationStatus::kMetUnrecognised:
      if (w.fr) absl::StrAppend(&s.fr, sc::kQualificationUnrecognisedFr, " (attestation ENIC-NARIC à demander)");
      if (w.en) absl::StrAppend(&s.en, sc::kQualificationUnrecognisedEn, " (ENIC-NARIC attestation to request)");
      break;
    case sc::QualificationStatus::kBelow:
      if (w.fr) {
        absl::StrAppend(&s.fr, LevelFr(held), held > 0 ? " atteint, " : ", ", asked - held,
                        " niveau(x) de moins (VAE ou formation)");
      }
      if (w.en) {
        absl::StrAppend(&s.en, LevelEn(held), held > 0 ? " reached, " : ", ", asked - held,
                        " level(s) below (validation of experience or training)");
      }
      break;
    case sc::QualificationStatus::kNotAsked:
      break;
  }
  return s;
}

// One desired language (exigence S): spoken at the level asked, below it, not spoken, or outside the
// scored languages (then not counted, as the kernel cannot see it).
Sentence DesiredLanguagePart(const Candidate& c, const LanguageRequirement& l, Wanted w) {
  const int i = ScoredLanguageIndex(l.code);
  const int asked = RequiredLanguageLevel(l);
  if (i < 0)
    return PASSERELLE_SAY(w, absl::StrCat(l.code, " ", kCefrNames[asked], " souhaité : non pris en compte"),
                          absl::StrCat(l.code, " ", kCefrNamesEn[asked], " desired: not checked"));
  int have = -1;
  for (const LanguageSkill& spoken : c.languages) {
    if (spoken.code == l.code) have = std::max(have, static_cast<int>(spoken.level));
  }
  if (have >= asked) {
    return PASSERELLE_SAY(w, absl::StrCat("parle ", kLanguageNamesFr[i], " (", kCefrNames[have], "), demandé"),
                          absl::StrCat("speaks ", kLanguageNamesEn[i], " (", kCefrNamesEn[have], "), desired"));
  }
  if (have < 0) {
    return PASSERELLE_SAY(w, absl::StrCat(kLanguageNamesFr[i], " ", kCefrNames[asked], " souhaité : non parlé"),
                          absl::StrCat(kLanguageNamesEn[i], " ", kCefrNamesEn[asked], " desired: not spoken"));
  }
  return PASSERELLE_SAY(
      w, absl::StrCat(kLanguageNamesFr[i], " ", kCefrNames[asked], " souhaité : niveau ", kCefrNames[have]),
      absl::StrCat(kLanguageNamesEn[i], " ", kCefrNamesEn[asked], " desired: level ", kCefrNamesEn[have]));
}

// One desired licence category: held, being exchanged (counted kDesiredLicencePendingCredit), or not
// held with the training that would give it.
Sentence DesiredLicencePart(const Candidate& c, int category, Wanted w) {
  const uint32_t bit = 1u << category;
  const char* name = sc::kLicenceCategoryNames[category];
  if (HeldLicences(c) & bit)
    return PASSERELLE_SAY(w, absl::StrCat("permis ", name, " souhaité : détenu"),
                          absl::StrCat("licence ", name, " desired: held"));
  if (c.licence_categories_pending & bit) {
    return PASSERELLE_SAY(
        w, absl::StrCat("permis ", name, " souhaité : échange du permis étranger en cours, compté à moitié"),
        absl::StrCat("licence ", name, " desired: foreign licence exchange under way, counted half"));
  }
  const int weeks = sc::kLicenceTrainingWeeks[category];
  return PASSERELLE_SAY(
      w, absl::StrCat("permis ", name, " souhaité : non détenu (environ ", weeks, " semaines de formation)"),
      absl::StrCat("licence ", name, " desired: not held (about ", weeks, " weeks of training)"));
}

// The desired assets the opening asks, each with what the candidate holds; *asked = whether any is asked.
Sentence DesiredAssetsPart(const ResolvedCandidate& c, const ResolvedOpening& o, Wanted w, bool* asked) {
  std::vector<std::string> fr, en;
  const auto add = [&](Sentence part) {
    fr.push_back(std::move(part.fr));
    en.push_back(std::move(part.en));
  };
  for (const LanguageRequirement& l : o.record.languages) {
    if (l.requirement == Requirement::kDesired) add(DesiredLanguagePart(c.record, l, w));
  }
  for (int category = 0; category < kLicenceCategoryCount; ++category) {
    if ((o.record.licences_desired & (1u << category)) != 0) add(DesiredLicencePart(c.record, category, w));
  }
  *asked = !fr.empty();
  if (fr.empty()) return {};
  return PASSERELLE_SAY(w, absl::StrCat("atouts demandés : ", absl::StrJoin(fr, ", ")),
                        absl::StrCat("desired assets: ", absl::StrJoin(en, ", ")));
}

std::string Capitalised(std::string text) {
  // Both sentences start with ASCII words ("expérience", "niveau", "atouts", "experience", "level", "desired").
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

}  // namespace

Sentence ExperienceReason(const ResolvedCandidate& c, const ResolvedOpening& o, float credited_months,
                          const ReferenceData& data, const OccupationRelations& relations,
                          SentenceLanguages languages) {
  const Wanted w = Wanted::Of(languages);
  const Opening& r = o.record;
  const bool experience_asked = r.experience_requirement != Requirement::kNone && r.experience_months > 0;
  const bool qualification_asked =
      sc::QualificationStatusOf(r.qualification_requirement, r.qualification_level, 0, false) !=
      sc::QualificationStatus::kNotAsked;
  bool assets_asked = false;
  const Sentence assets = DesiredAssetsPart(c, o, w, &assets_asked);
  if (!experience_asked && !qualification_asked && !assets_asked) {
    return PASSERELLE_SAY(w, "L'offre ne demande ni expérience ni niveau de qualification",
                          "The opening asks for neither experience nor a qualification level");
  }
  // Each part, when asked, is non-empty in every language written: empty-or-not of s.fr and s.en agree
  // with whether a part came before.
  Sentence s;
  if (experience_asked) s = ExperiencePart(c, o, credited_months, data, relations, w);
  if (qualification_asked) {
    const Sentence q = QualificationPart(c, o, w);
    s.fr = s.fr.empty() ? q.fr : absl::StrCat(s.fr, " ; ", q.fr);
    s.en = s.en.empty() ? q.en : absl::StrCat(s.en, "; ", q.en);
  }
  if (assets_asked) {
    s.fr = s.fr.empty() ? assets.fr : absl::StrCat(s.fr, " ; ", assets.fr);
    s.en = s.en.empty() ? assets.en : absl::StrCat(s.en, "; ", assets.en);
  }
  return {Capitalised(std::move(s.fr)), Capitalised(std::move(s.en))};
}

}  // namespace passerelle::engine
