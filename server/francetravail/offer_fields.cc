#include "server/francetravail/offer_fields.h"

#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/model/dates.h"
#include "engine/refdata/commune_lookup.h"

namespace passerelle::server::francetravail {
namespace {

using engine::ContractType;
using engine::LicenceCategory;

bool HasWord(absl::string_view folded, absl::string_view word) {
  for (absl::string_view w : absl::StrSplit(folded, ' ')) {
    if (w == word) return true;
  }
  return false;
}

// A number in a salary text: "1800.00", "1800,00", "30 000,00" (thousands separated by a space).
std::optional<double> ParseAmount(std::vector<absl::string_view>& tokens, size_t& i) {
  std::string digits(tokens[i]);
  while (i + 1 < tokens.size() && tokens[i + 1].size() >= 3 && absl::ascii_isdigit(tokens[i + 1][0]) &&
         absl::ascii_isdigit(tokens[i + 1][1]) && absl::ascii_isdigit(tokens[i + 1][2]) &&
         (tokens[i + 1].size() == 3 || tokens[i + 1][3] == '.' || tokens[i + 1][3] == ',')) {
    absl::StrAppend(&digits, tokens[++i]);
  }
  for (char& c : digits) {
    if (c == ',') c = '.';
  }
  double value = 0;
  if (!absl::SimpleAtod(digits, &value) || !std::isfinite(value) || value <= 0) return std::nullopt;
  return value;
}

}  // namespace

std::string FoldText(absl::string_view text) {
  std::string folded = absl::AsciiStrToLower(engine::FoldCommuneName(text));
  return folded;
}

std::optional<engine::Requirement> ReadExigence(absl::string_view exigence) {
  const absl::string_view e = absl::StripAsciiWhitespace(exigence);
  if (e == "E" || e == "e") return engine::Requirement::kRequired;
  if (e == "S" || e == "s") return engine::Requirement::kDesired;
  return std::nullopt;
}

std::optional<ContractType> ReadContract(absl::string_view type_contrat, absl::string_view nature_contrat,
                                         bool alternance) {
  const std::string type = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(type_contrat));
  const std::string nature = FoldText(nature_contrat);
  // The nature says what kind of employment the contract is; it wins over the type for work-study and
  // subsidised contracts.
  if (absl::StrContains(nature, "apprentissage")) return ContractType::kApprentissage;
  if (absl::StrContains(nature, "professionnalisation")) {
    return type == "MIS" ? ContractType::kCdpi : ContractType::kProfessionnalisation;
  }
  if (absl::StrContains(nature, "insertion") || absl::StartsWith(nature, "cui")) return ContractType::kIae;
  if (absl::StrContains(nature, "non salarie")) return std::nullopt;
  if (alternance) return type == "MIS" ? ContractType::kCdpi : ContractType::kApprentissage;
  if (type == "CDI") return ContractType::kCdi;
  if (type == "CDD" || type == "SAI") return ContractType::kCdd;  // saisonnier: a fixed-term contract
  if (type == "MIS" || type == "DIN") return ContractType::kInterim;  // DIN: CDI intérimaire, temp missions
  if (type == "TTI" || type == "DDI") return ContractType::kIae;      // insertion temp work / fixed term
  return std::nullopt;  // FRA, LIB, REP, CCE: not a salaried contract; anything else: unknown
}

std::optional<std::string> ReadLanguage(absl::string_view libelle) {
  static const std::pair<const char*, const char*> kLanguages[] = {
      {"francais", "fr"},   {"anglais", "en"},    {"arabe", "ar"},      {"espagnol", "es"},  {"allemand", "de"},
      {"italien", "it"},    {"portugais", "pt"},  {"russe", "ru"},      {"chinois", "zh"},   {"mandarin", "zh"},
      {"turc", "tr"},       {"roumain", "ro"},    {"polonais", "pl"},   {"neerlandais", "nl"}, {"dari", "prs"},
      {"pachto", "ps"},     {"pachtou", "ps"},    {"pashto", "ps"},     {"tigrigna", "ti"},  {"tigrinya", "ti"},
      {"persan", "fa"},     {"farsi", "fa"},      {"ourdou", "ur"},     {"tamoul", "ta"},    {"bengali", "bn"},
      {"hindi", "hi"},      {"japonais", "ja"},   {"coreen", "ko"},     {"grec", "el"},      {"ukrainien", "uk"},
      {"albanais", "sq"},   {"armenien", "hy"},   {"georgien", "ka"},   {"serbe", "sr"},     {"croate", "hr"},
      {"bulgare", "bg"},    {"hongrois", "hu"},   {"tcheque", "cs"},    {"suedois", "sv"},   {"danois", "da"},
      {"norvegien", "no"},  {"finnois", "fi"},    {"hebreu", "he"},     {"vietnamien", "vi"}, {"thai", "th"},
      {"somali", "so"},     {"amharique", "am"},  {"swahili", "sw"},    {"kurde", "ku"},     {"lingala", "ln"},
      {"wolof", "wo"},      {"bambara", "bm"},    {"peul", "ff"},       {"soninke", "snk"},  {"kabyle", "kab"},
      {"creole", "ht"},     {"malgache", "mg"},   {"slovaque", "sk"},   {"lituanien", "lt"}, {"letton", "lv"},
      {"estonien", "et"},   {"slovene", "sl"},    {"macedonien", "mk"}, {"tchetchene", "ce"}, {"ouzbek", "uz"},
  };
  const std::string folded = FoldText(libelle);
  const absl::string_view first = absl::string_view(folded).substr(0, folded.find(' '));
  for (const auto& [name, code] : kLanguages) {
    if (first == name) return std::string(code);
  }
  return std::nullopt;
}

std::optional<engine::CefrLevel> ReadCefrLevel(absl::string_view libelle) {
  static constexpr const char* kLevels[] = {"a1", "a2", "b1", "b2", "c1", "c2"};
  const std::string folded = FoldText(libelle);
  for (int i = 0; i < 6; ++i) {
    if (HasWord(folded, kLevels[i])) return static_cast<engine::CefrLevel>(i + 1);
  }
  return std::nullopt;
}

std::optional<LicenceCategory> ReadLicence(absl::string_view libelle) {
  static const std::pair<const char*, LicenceCategory> kCodes[] = {
      {"AM", LicenceCategory::kAm}, {"A1", LicenceCategory::kA1},   {"A2", LicenceCategory::kA2},
      {"A", LicenceCategory::kA},   {"B", LicenceCategory::kB},     {"BE", LicenceCategory::kBe},
      {"EB", LicenceCategory::kBe}, {"C1", LicenceCategory::kC1},   {"C1E", LicenceCategory::kC1e},
      {"C", LicenceCategory::kC},   {"CE", LicenceCategory::kCe},   {"EC", LicenceCategory::kCe},
      {"D1", LicenceCategory::kD1}, {"D1E", LicenceCategory::kD1e}, {"D", LicenceCategory::kD},
      {"DE", LicenceCategory::kDe}, {"ED", LicenceCategory::kDe},
  };
  // "B - Véhicule léger": the code before the dash ("Permis B" also names it).
  absl::string_view head = absl::StripAsciiWhitespace(libelle.substr(0, libelle.find(" - ")));
  absl::ConsumePrefix(&head, "Permis ");
  const std::string code = absl::AsciiStrToUpper(head);
  for (const auto& [name, category] : kCodes) {
    if (code == name) return category;
  }
  const std::string folded = FoldText(libelle);
  const bool trailer = absl::StrContains(folded, "remorque");
  if (absl::StrContains(folded, "vehicule leger")) return trailer ? LicenceCategory::kBe : LicenceCategory::kB;
  if (absl::StrContains(folded, "poids lourd")) return trailer ? LicenceCategory::kCe : LicenceCategory::kC;
  if (absl::StrContains(folded, "super lourd")) return LicenceCategory::kCe;
  if (absl::StrContains(folded, "transport en commun")) return trailer ? LicenceCategory::kDe : LicenceCategory::kD;
  return std::nullopt;
}

std::optional<int32_t> ReadQualificationLevel(absl::string_view niveau_libelle) {
  const std::string f = FoldText(niveau_libelle);
  if (absl::StrContains(f, "bac 8") || absl::StrContains(f, "doctorat")) return 8;
  if (absl::StrContains(f, "bac 5")) return 7;
  if (absl::StrContains(f, "bac 3") || absl::StrContains(f, "bac 4")) return 6;
  if (absl::StrContains(f, "bac 2")) return 5;
  if (HasWord(f, "bac") || HasWord(f, "baccalaureat")) return 4;
  if (HasWord(f, "cap") || HasWord(f, "bep")) return 3;
  if (HasWord(f, "brevet") || HasWord(f, "3eme") || absl::StrContains(f, "2nd") || HasWord(f, "1ere")) return 2;
  if (HasWord(f, "primaire") || HasWord(f, "4eme")) return 1;
  return std::nullopt;
}

std::optional<float> ReadExperienceMonths(absl::string_view experience_libelle) {
  const std::string f = FoldText(experience_libelle);
  if (absl::StrContains(f, "debutant accepte")) return 0.0f;
  const std::vector<absl::string_view> words = absl::StrSplit(f, ' ', absl::SkipEmpty());
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    int n = 0;
    if (!absl::SimpleAtoi(words[i], &n) || n < 0 || n > 600) continue;
    if (words[i + 1] == "an" || words[i + 1] == "ans") return 12.0f * n;
    if (words[i + 1] == "mois") return static_cast<float>(n);
  }
  return std::nullopt;
}

std::optional<float> ReadWeeklyHours(absl::string_view duree_travail_libelle) {
  absl::string_view s = absl::StripLeadingAsciiWhitespace(duree_travail_libelle);
  size_t i = 0;
  while (i < s.size() && absl::ascii_isdigit(s[i])) ++i;
  int hours = 0;
  if (i == 0 || i > 3 || !absl::SimpleAtoi(s.substr(0, i), &hours)) return std::nullopt;
  s.remove_prefix(i);
  s = absl::StripLeadingAsciiWhitespace(s);
  if (s.empty() || (s[0] != 'H' && s[0] != 'h')) return std::nullopt;
  s.remove_prefix(1);
  size_t m = 0;
  while (m < s.size() && m < 2 && absl::ascii_isdigit(s[m])) ++m;
  int minutes = 0;
  if (m > 0 && (!absl::SimpleAtoi(s.substr(0, m), &minutes) || minutes >= 60)) return std::nullopt;
  const float total = hours + minutes / 60.0f;
  if (total <= 0 || total > 80) return std::nullopt;
  return total;
}

bool MentionsNightWork(absl::string_view text) { return HasWord(FoldText(text), "nuit"); }

bool MentionsWeekendWork(absl::string_view text) {
  const std::string f = FoldText(text);
  return HasWord(f, "samedi") || HasWord(f, "dimanche") || HasWord(f, "samedis") || HasWord(f, "dimanches") ||
         absl::StrContains(f, "week end") || HasWord(f, "weekend") || HasWord(f, "weekends");
}

std::optional<MonthlySalary> ReadSalary(absl::string_view libelle, float weekly_hours) {
  const std::string folded = FoldText(libelle);
  const absl::string_view period = absl::string_view(folded).substr(0, folded.find(' '));
  if (period != "mensuel" && period != "annuel" && period != "horaire") return std::nullopt;
  std::vector<absl::string_view> tokens = absl::StrSplit(libelle, absl::ByAnyChar(" \t\xa0"), absl::SkipEmpty());
  std::vector<double> amounts;
  double months_paid = 12;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!absl::ascii_isdigit(tokens[i][0])) continue;
    const size_t start = i;
    std::optional<double> value = ParseAmount(tokens, i);
    if (!value.has_value()) continue;
    const bool euros = i + 1 < tokens.size() && absl::StartsWithIgnoreCase(tokens[i + 1], "euro");
    const bool months = i + 1 < tokens.size() && absl::StartsWithIgnoreCase(tokens[i + 1], "mois") && start > 0 &&
                        absl::EqualsIgnoreCase(tokens[start - 1], "sur");
    if (euros) amounts.push_back(*value);
    if (months && *value >= 12 && *value <= 15) months_paid = *value;
  }
  if (amounts.empty() || amounts.size() > 2) return std::nullopt;
  double factor = 1;
  if (period == "mensuel") factor = months_paid / 12;
  if (period == "annuel") factor = 1.0 / 12;
  if (period == "horaire") factor = (weekly_hours > 0 ? weekly_hours : 35.0) * 52 / 12;
  MonthlySalary out;
  out.min_eur = static_cast<float>(amounts.front() * factor);
  out.max_eur = static_cast<float>(amounts.back() * factor);
  if (out.min_eur > out.max_eur) std::swap(out.min_eur, out.max_eur);
  if (out.max_eur > 1e6f) return std::nullopt;
  return out;
}

std::optional<engine::Day> ReadDate(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() < 10 || (text.size() > 10 && text[10] != 'T' && text[10] != ' ')) return std::nullopt;
  absl::StatusOr<engine::Day> day = engine::ParseDay(text.substr(0, 10), "date");
  if (!day.ok() || *day == 0) return std::nullopt;
  return *day;
}

}  // namespace passerelle::server::francetravail
