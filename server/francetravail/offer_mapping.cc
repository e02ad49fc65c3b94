#include "server/francetravail/offer_mapping.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "engine/common/field_status.h"
#include "engine/common/status_macros.h"
#include "engine/model/resolve.h"
#include "server/francetravail/offer_context.h"
#include "server/francetravail/offer_fields.h"

namespace passerelle::server::francetravail {
namespace {

using engine::InvalidFieldError;
using engine::Requirement;

// The part of a lieuTravail.libelle after "93 - ": the commune's name ("BOBIGNY").
absl::string_view PlaceName(absl::string_view libelle) {
  const size_t dash = libelle.find(" - ");
  return absl::StripAsciiWhitespace(dash == absl::string_view::npos ? libelle : libelle.substr(dash + 3));
}

}  // namespace

OfferMapper::OfferMapper(const engine::ReferenceData& data) : data_(data), communes_(data) {
  for (int64_t code : data.AppellationCodes()) {
    appellation_by_label_.try_emplace(FoldText(*data.AppellationLabel(code)), code);
  }
  for (const engine::SkillItem& skill : data.skills()) skill_by_label_.try_emplace(FoldText(skill.label), skill.code_ogr);
}

absl::Status OfferMapper::MapPlace(const v1::FranceTravailPlace& place, Context& c) const {
  const bool has_point = place.has_latitude() && place.has_longitude();
  std::optional<int32_t> commune;
  if (!place.commune().empty()) {
    commune = communes_.FindByInsee(place.commune());
    if (!commune) c.Note("lieuTravail.commune", absl::StrCat("unknown INSEE code \"", place.commune(), "\", placed by the other fields"));
  }
  if (!commune && !place.code_postal().empty()) {
    const std::string departement = engine::DepartementOfPostalCode(place.code_postal());
    if (departement.empty()) return InvalidFieldError("lieuTravail.codePostal", "expected 5 digits");
    const std::vector<int32_t> named = communes_.FindByName(departement, PlaceName(place.libelle()));
    if (named.size() == 1) {
      commune = named[0];
    } else if (has_point) {
      // Several communes of that name in the département, or none: the nearest of the département.
      auto nearest = communes_.FindNearest(place.latitude(), place.longitude(), departement, kMaxNearestCommuneKm);
      if (nearest) commune = nearest->commune;
    }
    if (!commune) {
      return InvalidFieldError("lieuTravail.codePostal",
                               absl::StrCat("no commune of département ", departement, " is named \"",
                                            PlaceName(place.libelle()), "\" and no coordinates tell which one"));
    }
  }
  if (!commune && has_point) {
    auto nearest = communes_.FindNearest(place.latitude(), place.longitude(), "", kMaxNearestCommuneKm);
    if (!nearest) {
      return InvalidFieldError("lieuTravail.latitude",
                               absl::StrCat("no French commune within ", kMaxNearestCommuneKm, " km of these coordinates"));
    }
    commune = nearest->commune;
  }
  if (!commune) {
    if (!place.commune().empty()) {
      return InvalidFieldError("lieuTravail.commune", absl::StrCat("unknown INSEE commune code \"", place.commune(), "\""));
    }
    return InvalidFieldError("lieuTravail", absl::StrCat("no commune, postal code or coordinates (libelle \"",
                                                         place.libelle(), "\"): the offer cannot be placed"));
  }
  c.out.opening.commune_insee = data_.communes()[*commune].insee_code;
  c.Keep("lieuTravail.libelle", place.libelle());
  return absl::OkStatus();
}

absl::Status OfferMapper::MapOccupation(const v1::FranceTravailOffer& offer, Context& c) const {
  engine::Opening& o = c.out.opening;
  const std::string rome = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(offer.rome_code()));
  int32_t rome_index = rome.empty() ? -1 : data_.FindRome(rome).value_or(-1);
  auto appellation = appellation_by_label_.find(FoldText(offer.appellationlibelle()));
  if (appellation != appellation_by_label_.end()) {
    const int32_t appellation_rome = *data_.FindAppellationRome(appellation->second);
    // A title of another occupation than romeCode says is kept for display only: romeCode wins.
    if (rome_index < 0 || rome_index == appellation_rome) {
      o.appellation_code = appellation->second;
      rome_index = appellation_rome;
    }
  }
  if (rome_index < 0) {
    if (rome.empty()) return InvalidFieldError("romeCode", "required (and appellationlibelle names no ROME 4.0 job title)");
    return InvalidFieldError("romeCode", absl::StrCat("\"", rome, "\" is not a ROME 4.0 code (and appellationlibelle \"",
                                                      offer.appellationlibelle(), "\" names no ROME 4.0 job title)"));
  }
  o.rome_code = data_.occupations()[rome_index].code;
  if (o.appellation_code == 0 && !offer.appellationlibelle().empty()) {
    c.Note("appellationlibelle", "not a ROME 4.0 job title of the occupation, kept for display");
    c.Keep("appellationlibelle", offer.appellationlibelle());
  }
  return absl::OkStatus();
}

void OfferMapper::MapSkills(const v1::FranceTravailOffer& offer, Context& c) const {
  engine::Opening& o = c.out.opening;
  for (int i = 0; i < offer.competences_size(); ++i) {
    const v1::FranceTravailItem& item = offer.competences(i);
    const std::string field = Indexed("competences", i);
    int64_t code = 0;
    if (!absl::SimpleAtoi(item.code(), &code) || !data_.FindSkill(code)) {
      auto by_label = skill_by_label_.find(FoldText(item.libelle()));
      code = by_label == skill_by_label_.end() ? 0 : by_label->second;
      if (code != 0) c.Note(field, absl::StrCat("code \"", item.code(), "\" is not a ROME 4.0 item; matched by its label"));
    }
    if (code == 0) {
      c.Note(field, absl::StrCat("code \"", item.code(), "\" is not a ROME 4.0 skill item, kept for display"));
      c.Keep(field, item.libelle());
      continue;
    }
    const std::optional<Requirement> exigence = ReadExigence(item.exigence());
    if (!exigence) c.Note(field, absl::StrCat("exigence \"", item.exigence(), "\" is neither E nor S, taken as desired"));
    (exigence == Requirement::kRequired ? o.required_skills : o.desired_skills).push_back(code);
  }
  for (auto* list : {&o.required_skills, &o.desired_skills}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
    if (list->size() > engine::kMaxSkillsPerRecord) {
      c.Note("competences", absl::StrCat("more than ", engine::kMaxSkillsPerRecord, " items; the rest dropped"));
      list->resize(engine::kMaxSkillsPerRecord);
    }
  }
}

absl::StatusOr<MappedOffer> OfferMapper::Map(const v1::FranceTravailOffer& offer, const MappingOptions& options) const {
  Context c{offer, {}};
  engine::Opening& o = c.out.opening;
  if (!engine::ValidateId(offer.id(), "id").ok()) {
    return InvalidFieldError("id", offer.id().empty() ? "required" : "not printable or over 128 bytes");
  }
  o.id = offer.id();
  o.source_id = offer.id();
  o.source = options.source.empty() ? std::string(kDefaultSource) : options.source;
  o.title = ForDisplay(offer.intitule(), engine::kMaxTitleBytes);
  if (o.title.size() < offer.intitule().size()) c.Note("intitule", "cut to 512 bytes");
  PASSERELLE_RETURN_IF_ERROR(MapPlace(offer.lieu_travail(), c));
  PASSERELLE_RETURN_IF_ERROR(MapOccupation(offer, c));
  const std::optional<engine::ContractType> contract =
      ReadContract(offer.type_contrat(), offer.nature_contrat(), offer.alternance());
  if (!contract) {
    return InvalidFieldError("typeContrat", absl::StrCat("\"", offer.type_contrat(), "\" (", offer.nature_contrat(),
                                                         ") is not a salaried contract Passerelle matches"));
  }
  o.contract = *contract;
  MapSkills(offer, c);
  MapRequirements(offer, c);
  MapConditions(offer, c);
  MapDisplayOnly(offer, options, c);
  return std::move(c.out);
}

}  // namespace passerelle::server::francetravail
