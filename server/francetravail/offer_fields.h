// The readings of France Travail's free-text and coded offer fields that the mapping
// (offer_mapping.h) builds an opening from. Each returns nullopt (or 0) for a text it does not
// recognise; the mapping then keeps the text for display and notes it. docs/francetravail.md lists
// every form recognised.
//
// Thread-safety: stateless functions.
#ifndef PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_FIELDS_H_
#define PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_FIELDS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/model/types.h"

namespace passerelle::server::francetravail {

// Lower case, accents removed, runs of spaces and punctuation one space: "Travail de NUIT" -> "travail de nuit".
std::string FoldText(absl::string_view text);

// "E" -> kRequired, "S" -> kDesired (case and spaces ignored); nullopt otherwise.
std::optional<engine::Requirement> ReadExigence(absl::string_view exigence);

// typeContrat ("CDI", "MIS", ...) with natureContrat ("Contrat apprentissage", ...) and alternance.
// nullopt for what is not a salaried contract (FRA franchise, LIB profession libérale, REP reprise, CCE
// profession commerciale) or an unknown code.
std::optional<engine::ContractType> ReadContract(absl::string_view type_contrat, absl::string_view nature_contrat,
                                                 bool alternance);

// A language libelle ("Anglais", "Arabe littéraire", "Tigrigna") as ISO 639 code ("en", "ar", "ti");
// "fr" for French; nullopt when unknown.
std::optional<std::string> ReadLanguage(absl::string_view libelle);
// A CEFR level written in a language libelle ("Anglais B2"); nullopt when none.
std::optional<engine::CefrLevel> ReadCefrLevel(absl::string_view libelle);

// A permis libelle ("B - Véhicule léger", "CE - Poids lourd + remorque", "Véhicule léger") as a licence
// category; nullopt when not a French licence category (e.g. "CACES R489").
std::optional<engine::LicenceCategory> ReadLicence(absl::string_view libelle);

// A formations[].niveauLibelle as the national nomenclature level 1..8 ("CAP, BEP et équivalents" -> 3,
// "Bac+5 et plus ou équivalents" -> 7); nullopt when unknown.
std::optional<int32_t> ReadQualificationLevel(absl::string_view niveau_libelle);

// Months of experience in experienceLibelle: "2 An(s)" -> 24, "6 Mois" -> 6, "Expérience exigée de 3 An(s)"
// -> 36, "Débutant accepté" -> 0; nullopt when the text holds no duration.
std::optional<float> ReadExperienceMonths(absl::string_view experience_libelle);

// Weekly hours in dureeTravailLibelle: "35H Travail en journée" -> 35, "35 H  Horaires normaux" -> 35,
// "17H30 Horaires normaux" -> 17.5; nullopt when none (or outside (0, 80]).
std::optional<float> ReadWeeklyHours(absl::string_view duree_travail_libelle);

// Whether a working-condition text mentions night work ("Travail de nuit") / weekend work ("Travail
// samedi et dimanche", "week-end").
bool MentionsNightWork(absl::string_view text);
bool MentionsWeekendWork(absl::string_view text);

// A salaire.libelle as a gross monthly range in euros. Mensuel: as is, times N/12 when paid "sur N
// mois"; Annuel: divided by 12; Horaire: times weekly hours (35 when not stated) x 52 / 12. One amount
// gives min = max. nullopt when the text is not of that form ("Selon profil", "Autre").
struct MonthlySalary {
  float min_eur = 0;
  float max_eur = 0;
};
std::optional<MonthlySalary> ReadSalary(absl::string_view libelle, float weekly_hours);

// The day of an ISO 8601 date or date-time ("2024-03-05T14:12:33.000Z" -> that date); nullopt when
// malformed.
std::optional<engine::Day> ReadDate(absl::string_view text);

}  // namespace passerelle::server::francetravail

#endif  // PASSERELLE_SERVER_FRANCETRAVAIL_OFFER_FIELDS_H_
