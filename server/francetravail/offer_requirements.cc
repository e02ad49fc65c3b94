// OfferMapper's requirements (experience, licences, languages, qualification), working conditions
// (hours, night and weekend work, salary, dates, positions) and display-only fields.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "server/francetravail/offer_context.h"
#include "server/francetravail/offer_fields.h"

namespace passerelle::server::francetravail {
namespace {

using engine::Requirement;

Requirement Stronger(Requirement a, Requirement b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

// The exigence of item `field`, desired (with a note) when neither E nor S.
template <class Context>
Requirement ExigenceOf(absl::string_view exigence, absl::string_view field, Context& c) {
  std::optional<Requirement> read = ReadExigence(exigence);
  if (!read) c.Note(field, absl::StrCat("exigence \"", exigence, "\" is neither E nor S, taken as desired"));
  return read.value_or(Requirement::kDesired);
}

}  // namespace

void OfferMapper::MapRequirements(const v1::FranceTravailOffer& offer, Context& c) const {
  engine::Opening& o = c.out.opening;
  // Experience: D = beginners accepted, S = desired, E = required; the months come from the libelle.
  const std::string exige(absl::StripAsciiWhitespace(offer.experience_exige()));
  if (exige == "E" || exige == "S") {
    o.experience_requirement = exige == "E" ? Requirement::kRequired : Requirement::kDesired;
    std::optional<float> months = ReadExperienceMonths(offer.experience_libelle());
    if (!months) c.Note("experienceLibelle", "no duration read, months left at 0");
    o.experience_months = months.value_or(0);
  } else if (!exige.empty() && exige != "D") {
    c.Note("experienceExige", absl::StrCat("\"", exige, "\" is none of D, S, E; no experience asked"));
  }
  o.experience_label = ForDisplay(offer.experience_libelle(), engine::kMaxLabelBytes);

  for (int i = 0; i < offer.permis_size(); ++i) {
    const v1::FranceTravailItem& permis = offer.permis(i);
    const std::string field = Indexed("permis", i);
    std::optional<engine::LicenceCategory> category = ReadLicence(permis.libelle());
    if (!category) {
      c.Note(field, "not a French licence category, kept for display");
      c.Keep(field, permis.libelle());
      continue;
    }
    const Requirement requirement = ExigenceOf(permis.exigence(), field, c);
    (requirement == Requirement::kRequired ? o.licences_required : o.licences_desired) |= engine::LicenceBit(*category);
    o.driving_licence = Stronger(o.driving_licence, requirement);
  }
  o.licences_desired &= ~o.licences_required;

  for (int i = 0; i < offer.langues_size(); ++i) {
    const v1::FranceTravailItem& langue = offer.langues(i);
    const std::string field = Indexed("langues", i);
    std::optional<std::string> code = ReadLanguage(langue.libelle());
    const std::optional<engine::CefrLevel> level = ReadCefrLevel(langue.libelle());
    const Requirement requirement = ExigenceOf(langue.exigence(), field, c);
    if (code == "fr" && level) {
      o.french_min_level = std::max(o.french_min_level, *level);
      o.french_requirement = Stronger(o.french_requirement, requirement);
      continue;
    }
    if (!code || code == "fr") {
      c.Note(field, code ? "French without a CEFR level, kept for display (the French criterion needs a level)"
                         : "unknown language, kept for display");
      c.Keep(field, langue.libelle());
      continue;
    }
    auto same = std::find_if(o.languages.begin(), o.languages.end(), [&](const auto& l) { return l.code == *code; });
    if (same == o.languages.end()) {
      same = o.languages.insert(o.languages.end(), engine::LanguageRequirement{*code, engine::CefrLevel::kPreA1, requirement});
    }
    same->requirement = Stronger(same->requirement, requirement);
    if (level) same->min_level = std::max(same->min_level, *level);
  }

  // Qualification: the highest level asked as required, else the highest desired.
  int32_t required = 0, desired = 0;
  for (int i = 0; i < offer.formations_size(); ++i) {
    const v1::FranceTravailTraining& formation = offer.formations(i);
    const std::string field = Indexed("formations", i);
    c.Keep(absl::StrCat(field, ".domaineLibelle"), formation.domaine_libelle());
    c.Keep(absl::StrCat(field, ".commentaire"), formation.commentaire());
    std::optional<int32_t> level = ReadQualificationLevel(formation.niveau_libelle());
    if (!level) {
      if (!formation.niveau_libelle().empty()) c.Note(field, "unknown niveauLibelle, kept for display");
      c.Keep(absl::StrCat(field, ".niveauLibelle"), formation.niveau_libelle());
      continue;
    }
    int32_t& slot = ExigenceOf(formation.exigence(), field, c) == Requirement::kRequired ? required : desired;
    slot = std::max(slot, *level);
  }
  if (required > 0 || desired > 0) {
    o.qualification_level = required > 0 ? required : desired;
    o.qualification_requirement = required > 0 ? Requirement::kRequired : Requirement::kDesired;
  }
}

void OfferMapper::MapConditions(const v1::FranceTravailOffer& offer, Context& c) const {
  engine::Opening& o = c.out.opening;
  o.working_time_label = ForDisplay(offer.duree_travail_libelle(), engine::kMaxLabelBytes);
  if (std::optional<float> hours = ReadWeeklyHours(offer.duree_travail_libelle())) {
    o.weekly_hours = *hours;
  } else if (!offer.duree_travail_libelle().empty()) {
    c.Note("dureeTravailLibelle", "no weekly hours read");
  }
  std::vector<std::string> texts = {offer.condition_exercice(), offer.duree_travail_libelle(),
                                    offer.complement_exercice()};
  for (const std::string& t : offer.contexte_travail().horaires()) texts.push_back(t);
  for (const std::string& t : offer.contexte_travail().conditions_exercice()) texts.push_back(t);
  for (const std::string& t : texts) {
    o.night_work = o.night_work || MentionsNightWork(t);
    o.weekend_work = o.weekend_work || MentionsWeekendWork(t);
  }

  const v1::FranceTravailSalary& salaire = offer.salaire();
  o.salary_label = ForDisplay(salaire.libelle(), engine::kMaxLabelBytes);
  if (std::optional<MonthlySalary> salary = ReadSalary(salaire.libelle(), o.weekly_hours)) {
    o.salary_monthly_min_eur = salary->min_eur;
    o.salary_monthly_max_eur = salary->max_eur;
  } else if (!salaire.libelle().empty()) {
    c.Note("salaire.libelle", "not of the form \"Mensuel|Annuel|Horaire de X Euros [à Y Euros]\", kept for display");
  }
  c.Keep("salaire.commentaire", salaire.commentaire());
  c.Keep("salaire.complement1", salaire.complement1());
  c.Keep("salaire.complement2", salaire.complement2());
  for (int i = 0; i < salaire.liste_complements_size(); ++i) {
    c.Keep(Indexed("salaire.listeComplements", i), salaire.liste_complements(i).libelle());
  }

  for (auto [field, text, day] : {std::make_tuple("dateCreation", &offer.date_creation(), &o.created_on),
                                  std::make_tuple("dateActualisation", &offer.date_actualisation(), &o.updated_on)}) {
    if (text->empty()) continue;
    std::optional<engine::Day> read = ReadDate(*text);
    if (!read) c.Note(field, absl::StrCat("\"", *text, "\" is not an ISO 8601 date, ignored"));
    *day = read.value_or(0);
  }

  if (offer.nombre_postes() < 1 || offer.nombre_postes() > 100000) {
    c.Note("nombrePostes", absl::StrCat(offer.nombre_postes(), " is outside 1..100000, taken as 1"));
  }
  o.positions = offer.nombre_postes() < 1 || offer.nombre_postes() > 100000 ? 1 : offer.nombre_postes();
  o.hard_to_fill = offer.offres_manque_candidats();
  // A work-study contract includes its training.
  o.training_provided = offer.alternance() || o.contract == engine::ContractType::kApprentissage ||
                        o.contract == engine::ContractType::kProfessionnalisation ||
                        o.contract == engine::ContractType::kCdpi;
}

void OfferMapper::MapDisplayOnly(const v1::FranceTravailOffer& offer, const MappingOptions& options,
                                 Context& c) const {
  engine::Opening& o = c.out.opening;
  c.Keep("description", offer.description());
  c.Keep("typeContratLibelle", offer.type_contrat_libelle());
  c.Keep("natureContrat", offer.nature_contrat());
  c.Keep("experienceCommentaire", offer.experience_commentaire());
  c.Keep("dureeTravailLibelleConverti", offer.duree_travail_libelle_converti());
  c.Keep("complementExercice", offer.complement_exercice());
  c.Keep("conditionExercice", offer.condition_exercice());
  c.Keep("qualificationLibelle", offer.qualification_libelle());
  c.Keep("secteurActiviteLibelle", offer.secteur_activite_libelle());
  c.Keep("deplacementLibelle", offer.deplacement_libelle());
  c.Keep("contexteTravail.horaires", absl::StrJoin(offer.contexte_travail().horaires(), " ; "));
  c.Keep("contexteTravail.conditionsExercice", absl::StrJoin(offer.contexte_travail().conditions_exercice(), " ; "));
  for (int i = 0; i < offer.qualites_professionnelles_size(); ++i) {
    const v1::FranceTravailQuality& q = offer.qualites_professionnelles(i);
    c.Keep(Indexed("qualitesProfessionnelles", i),
           q.description().empty() ? q.libelle() : absl::StrCat(q.libelle(), " : ", q.description()));
  }
  if (offer.has_outils_bureautiques()) {
    const google::protobuf::Value& tools = offer.outils_bureautiques();
    std::string text;
    if (tools.has_string_value()) {
      text = tools.string_value();
    } else if (tools.has_list_value()) {
      for (const google::protobuf::Value& v : tools.list_value().values()) {
        if (v.has_string_value()) absl::StrAppend(&text, text.empty() ? "" : " ; ", v.string_value());
      }
    }
    c.Keep("outilsBureautiques", text);
  }
  if (offer.accessible_th()) c.Keep("accessibleTH", "true");
  const v1::FranceTravailOrigin& origin = offer.origine_offre();
  c.Keep("origineOffre.origine", origin.origine() == "1"   ? "France Travail"
                                 : origin.origine() == "2" ? "partenaire"
                                                           : origin.origine());
  c.Keep("origineOffre.urlOrigine", origin.url_origine());
  std::vector<std::string> partners;
  for (const v1::FranceTravailPartner& p : origin.partenaires()) partners.push_back(p.nom());
  c.Keep("origineOffre.partenaires", absl::StrJoin(partners, ", "));

  // The employer: only a keyed hash of the SIRET, to group offers by employer (docs/francetravail.md).
  const std::string siret(absl::StripAsciiWhitespace(offer.entreprise().siret()));
  if (!siret.empty() && options.employer_id) o.employer_id = options.employer_id(siret);
  if (!offer.entreprise().nom().empty()) c.Note("entreprise.nom", "not stored: matching does not need it");
  if (offer.has_contact()) c.Note("contact", "not stored: a recruiter's personal data (see origineOffre.urlOrigine)");

  for (const v1::FranceTravailUnknownField& unknown : offer.unknown_fields()) {
    c.Note(unknown.path(), "not a field of the published format Passerelle knows, kept for display");
    c.Keep(unknown.path(), unknown.json());
  }
}

}  // namespace passerelle::server::francetravail
