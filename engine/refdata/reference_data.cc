#include "engine/refdata/reference_data.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/common/status_macros.h"

#ifndef PASSERELLE_DEFAULT_DATA_DIR
#define PASSERELLE_DEFAULT_DATA_DIR "data"
#endif

namespace passerelle::engine {
namespace {

// Tension of an (occupation, région) pair that data/tension/tension.tsv does not list: not on the official
// list (L = 0) and no France Travail figure (f = 0.5), so 0.5 * 0 + 0.5 * 0.5. Documented in data/SOURCES.md.
constexpr float kDefaultTension = 0.25f;
// Weight of the official-list flag in the index; a listed pair lies in [0.5, 1], an unlisted one in [0, 0.5].
constexpr double kListWeight = 0.5;

// ---------------------------------------------------------------------------------------------------------
// Minimal TSV reader: the whole file is read at once and split on '\t' and '\n' in place (no quoting, no
// per-field streams), which keeps loading all reference data well under a second.

class TsvFile;

// One data row; the string_views point into the file buffer and live as long as the TsvFile.
class TsvRow {
 public:
  absl::string_view Field(size_t col) const { return fields_[col]; }
  absl::Status Error(size_t col, absl::string_view message) const;
  absl::StatusOr<int64_t> Int(size_t col, int64_t min, int64_t max) const;
  absl::StatusOr<double> Double(size_t col, double min, double max) const;
  absl::StatusOr<absl::string_view> NonEmpty(size_t col) const;

 private:
  friend class TsvFile;
  const TsvFile* file_ = nullptr;
  int line_ = 0;
  std::vector<absl::string_view> fields_;
};

class TsvFile {
 public:
  // Reads `path` and checks that its first line is exactly `header`.
  static absl::StatusOr<TsvFile> Open(std::string path, std::initializer_list<absl::string_view> header);

  const std::string& path() const { return path_; }
  absl::string_view column(size_t col) const { return header_[col]; }
  absl::Status LineError(int line, absl::string_view message) const {
    return absl::InvalidArgumentError(absl::StrCat(path_, ":", line, ": ", message));
  }

  // Calls fn(row) for every data row, stopping at the first error.
  template <typename Fn>
  absl::Status ForEachRow(Fn&& fn) const;

 private:
  // Splits the line starting at `pos` into row->fields_ and advances `pos` past it.
  void SplitLine(size_t& pos, TsvRow* row) const;

  std::string path_;
  std::string buffer_;
  std::vector<std::string> header_;
  size_t body_start_ = 0;
};

absl::Status TsvRow::Error(size_t col, absl::string_view message) const {
  return file_->LineError(line_, absl::StrCat("column ", file_->column(col), ": ", message));
}

absl::StatusOr<int64_t> TsvRow::Int(size_t col, int64_t min, int64_t max) const {
  int64_t value = 0;
  if (!absl::SimpleAtoi(fields_[col], &value) || value < min || value > max) {
    return Error(col, absl::StrCat("expected an integer in [", min, ", ", max, "], got \"", fields_[col], "\""));
  }
  return value;
}

absl::StatusOr<double> TsvRow::Double(size_t col, double min, double max) const {
  double value = 0;
  if (!absl::SimpleAtod(fields_[col], &value) || !std::isfinite(value) || value < min || value > max) {
    return Error(col, absl::StrCat("expected a number in [", min, ", ", max, "], got \"", fields_[col], "\""));
  }
  return value;
}

absl::StatusOr<absl::string_view> TsvRow::NonEmpty(size_t col) const {
  if (fields_[col].empty()) return Error(col, "must not be empty");
  return fields_[col];
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  std::string contents;
  char chunk[1 << 16];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof(chunk), file)) > 0) contents.append(chunk, n);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return contents;
}

void TsvFile::SplitLine(size_t& pos, TsvRow* row) const {
  size_t end = buffer_.find('\n', pos);
  if (end == std::string::npos) end = buffer_.size();
  absl::string_view line(buffer_.data() + pos, end - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // tolerate CRLF checkouts
  row->fields_.clear();
  for (size_t start = 0;;) {
    const size_t tab = line.find('\t', start);
    row->fields_.push_back(line.substr(start, tab == absl::string_view::npos ? tab : tab - start));
    if (tab == absl::string_view::npos) break;
    start = tab + 1;
  }
  pos = end + 1;
}

absl::StatusOr<TsvFile> TsvFile::Open(std::string path, std::initializer_list<absl::string_view> header) {
  TsvFile file;
  file.path_ = std::move(path);
  PASSERELLE_ASSIGN_OR_RETURN(file.buffer_, ReadWholeFile(file.path_));
  if (absl::StartsWith(file.buffer_, "\xEF\xBB\xBF")) file.buffer_.erase(0, 3);  // UTF-8 BOM
  TsvRow first;
  file.SplitLine(file.body_start_, &first);
  if (!std::equal(first.fields_.begin(), first.fields_.end(), header.begin(), header.end())) {
    return file.LineError(1, absl::StrCat("expected header \"", absl::StrJoin(header, "\\t"), "\", got \"",
                                          absl::StrJoin(first.fields_, "\\t"), "\""));
  }
  for (absl::string_view name : header) file.header_.emplace_back(name);
  return file;
}

template <typename Fn>
absl::Status TsvFile::ForEachRow(Fn&& fn) const {
  TsvRow row;
  row.file_ = this;
  row.line_ = 1;
  for (size_t pos = body_start_; pos < buffer_.size();) {
    ++row.line_;
    SplitLine(pos, &row);
    if (row.fields_.size() != header_.size()) {
      return LineError(row.line_, absl::StrCat("expected ", header_.size(), " tab-separated fields, got ",
                                               row.fields_.size()));
    }
    PASSERELLE_RETURN_IF_ERROR(fn(row));
  }
  return absl::OkStatus();
}

// Looks a code up in an index built from another file.
template <typename Map>
absl::StatusOr<int32_t> Resolve(const TsvRow& row, size_t col, const Map& index, absl::string_view what) {
  auto it = index.find(row.Field(col));
  if (it == index.end()) return row.Error(col, absl::StrCat("unknown ", what, " \"", row.Field(col), "\""));
  return it->second;
}

// ---------------------------------------------------------------------------------------------------------
// Per-file readers. Each returns plain tables that Load() moves into the ReferenceData members.

using CodeIndex = absl::flat_hash_map<std::string, int32_t>;

// Compressed sparse rows: values of key i are values[offsets[i] .. offsets[i + 1]).
template <typename T>
struct Csr {
  std::vector<int32_t> offsets;
  std::vector<T> values;
};

// Stable counting sort of (key, value) pairs into CSR form; keys are in [0, key_count).
template <typename T>
Csr<T> BuildCsr(const std::vector<std::pair<int32_t, T>>& entries, int32_t key_count) {
  Csr<T> csr;
  csr.offsets.assign(key_count + 1, 0);
  for (const auto& [key, value] : entries) ++csr.offsets[key + 1];
  for (int32_t i = 0; i < key_count; ++i) csr.offsets[i + 1] += csr.offsets[i];
  csr.values.resize(entries.size());
  std::vector<int32_t> next(csr.offsets.begin(), csr.offsets.end() - 1);
  for (const auto& [key, value] : entries) csr.values[next[key]++] = value;
  return csr;
}

std::string JoinPath(const std::string& dir, absl::string_view relative) {
  if (dir.empty()) return std::string(relative);
  return absl::StrCat(dir, dir.back() == '/' ? "" : "/", relative);
}

absl::StatusOr<std::string> ReadVersion(const std::string& path) {
  PASSERELLE_ASSIGN_OR_RETURN(std::string contents, ReadWholeFile(path));
  absl::string_view version = absl::StripAsciiWhitespace(contents);
  if (version.empty() || version.find('\n') != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(path, ":1: expected one non-empty line"));
  }
  return std::string(version);
}

struct OccupationTable {
  std::vector<RomeOccupation> occupations;
  CodeIndex by_code;
  int32_t domaine_count = 0;
  int32_t grand_domaine_count = 0;
};

// Checks the shape of a row's codes: "F1703" in domaine "F17" in grand domaine "F".
absl::Status CheckOccupationCodes(const TsvRow& row) {
  if (row.Field(0).size() != 5) return row.Error(0, "expected a 5-character ROME code");
  if (row.Field(4).size() != 1) return row.Error(4, "expected a one-letter grand domaine");
  if (row.Field(2).size() != 3 || !absl::StartsWith(row.Field(2), row.Field(4)) ||
      !absl::StartsWith(row.Field(0), row.Field(2))) {
    return row.Error(2, "expected the 3-character prefix of the ROME code");
  }
  return absl::OkStatus();
}

absl::StatusOr<OccupationTable> ReadOccupations(const std::string& path) {
  PASSERELLE_ASSIGN_OR_RETURN(
      TsvFile file, TsvFile::Open(path, {"code", "label", "domaine_code", "domaine_label", "grand_domaine",
                                         "grand_domaine_label"}));
  OccupationTable table;
  CodeIndex domaines;
  absl::flat_hash_map<char, int32_t> grands;
  PASSERELLE_RETURN_IF_ERROR(file.ForEachRow([&](const TsvRow& row) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(CheckOccupationCodes(row));
    RomeOccupation occupation;
    occupation.code = std::string(row.Field(0));
    PASSERELLE_ASSIGN_OR_RETURN(absl::string_view label, row.NonEmpty(1));
    occupation.label = std::string(label);
    occupation.domaine_code = std::string(row.Field(2));
    occupation.domaine_label = std::string(row.Field(3));
    occupation.grand_domaine = row.Field(4)[0];
    occupation.grand_domaine_label = std::string(row.Field(5));
    // Dense indices in order of first appearance.
    occupation.domaine_index = domaines.try_emplace(occupation.domaine_code, domaines.size()).first->second;
    occupation.grand_domaine_index = grands.try_emplace(occupation.grand_domaine, grands.size()).first->second;
    const int32_t index = static_cast<int32_t>(table.occupations.size());
    if (!table.by_code.try_emplace(occupation.code, index).second) return row.Error(0, "duplicate ROME code");
    table.occupations.push_back(std::move(occupation));
    return absl::OkStatus();
  }));
  table.domaine_count = static_cast<int32_t>(domaines.size());
  table.grand_domaine_count = static_cast<int32_t>(grands.size());
  return table;
}

// Mobility targets per occupation, in ROME's order (numero_ordre ascending).
absl::StatusOr<Csr<int32_t>> ReadMobility(const std::string& path, const CodeIndex& rome_by_code) {
  PASSERELLE_ASSIGN_OR_RETURN(TsvFile file, TsvFile::Open(path, {"from_code", "to_code", "order"}));
  std::vector<std::tuple<int32_t, int64_t, int32_t>> links;  // (from, order, to)
  PASSERELLE_RETURN_IF_ERROR(file.ForEachRow([&](const TsvRow& row) -> absl::Status {
    PASSERELLE_ASSIGN_OR_RETURN(int32_t from, Resolve(row, 0, rome_by_code, "ROME code"));
    PASSERELLE_ASSIGN_OR_RETURN(int32_t to, Resolve(row, 1, rome_by_code, "ROME code"));
    PASSERELLE_ASSIGN_OR_RETURN(int64_t order, row.Int(2, 1, 1000));
    links.emplace_back(from, order, to);
    return absl::OkStatus();
  }));
  std::sort(links.begin(), links.end());
  std::vector<std::pair<int32_t, int32_t>> entries;
  entries.reserve(links.size());
  for (const auto& [from, order, to] : links) entries.emplace_back(from, to);
  return BuildCsr(entries, static_cast<int32_t>(rome_by_code.size()));
}

struct SkillTable {
  std::vector<SkillItem> skills;
  absl::flat_hash_map<int64_t, int32_t> by_code;
};

absl::StatusOr<SkillKind> ParseSkillKind(const TsvRow& row, size_t col) {
  const absl::string_view kind = row.Field(col);
  if (kind == "savoir_faire") return SkillKind::kSavoirFaire;
  if (kind == "savoir_etre") return SkillKind::kSavoirEtre;
  if (kind == "savoir") return SkillKind::kSavoir;
  return row.Error(col, absl::StrCat("expected savoir_faire, savoir_etre or savoir, got \"", kind, "\""));
}

absl::StatusOr<SkillTable> ReadSkills(const std::string& path) {
  PASSERELLE_ASSIGN_OR_RETURN(TsvFile file, TsvFile::Open(path, {"code_ogr", "kind", "label"}));
  SkillTable table;
  PASSERELLE_RETURN_IF_ERROR(file.ForEachRow([&](const TsvRow& row) -> absl::Status {
    SkillItem item;
    PASSERELLE_ASSIGN_OR_RETURN(item.code_ogr, row.Int(0, 1, INT64_MAX));
    PASSERELLE_ASSIGN_OR_RETURN(item.kind, ParseSkillKind(row, 1));
    PASSERELLE_ASSIGN_OR_RETURN(absl::string_view label, row.NonEmpty(2));
    item.label = std::string(label);
    const int32_t index = static_cast<int32_t>(table.skills.size());
    if (!table.by_code.try_emplace(item.code_ogr, index).second) return row.Error(0, "duplicate code_ogr");
    table.skills.push_back(std::move(item));
    return absl::OkStatus();
  }));
  return table;
}

absl::StatusOr<Csr<OccupationSkill>> ReadOccupationSkills(const std::string& path, const CodeIndex& rome_by_code,
                                                          const absl::flat_hash_map<int64_t, int32_t>& skill_by_code) {
  PASSERELLE_ASSIGN_OR_RETURN(TsvFile file, TsvFile::Open(path, {"code_rome", "code_ogr", "core"}));
  std::vector<std::pair<int32_t, OccupationSkill>> entries;
  PASSERELLE_RETURN_IF_ERROR(file.ForEachRow([&](const TsvRow& row) -> absl::Status {
    PASSERELLE_ASSIGN_OR_RETURN(int32_t rome, Resolve(row, 0, rome_by_code, "ROME code"));
    PASSERELLE_ASSIGN_OR_RETURN(int64_t code_ogr, row.Int(1, 1, INT64_MAX));
    auto skill = skill_by_code.find(code_ogr);
    if (skill == skill_by_code.end()) return row.Error(1, "code_ogr is not in skills.tsv");
    PASSERELLE_ASSIGN_OR_RETURN(int64_t core, row.Int(2, 0, 1));
    entries.emplace_back(rome, OccupationSkill{skill->second, core == 1});
    return absl::OkStatus();
  }));
  return BuildCsr(entries, static_cast<int32_t>(rome_by_code.size()));
}

// `Appellation` is ReferenceData's private record type {label, rome_index}, deduced from the map.
template <typename Appellation>
absl::Status ReadAppellations(const std::string& path, const CodeIndex& rome_by_code,
                              absl::flat_hash_map<int64_t, Appellation>& appellations) {
  PASSERELLE_ASSIGN_OR_RETURN(TsvFile file, TsvFile::Open(path, {"code_ogr", "label", "code_rome"}));
  return file.ForEachRow([&](const TsvRow& row) -> absl::Status {
    PASSERELLE_ASSIGN_OR_RETURN(int64_t code_ogr, row.Int(0, 1, INT64_MAX));
    PASSERELLE_ASSIGN_OR_RETURN(absl::string_view label, row.NonEmpty(1));
    Appellation appellation;
    appellation.label = std::string(label);
    PASSERELLE_ASSIGN_OR_RETURN(appellation.rome_index, Resolve(row, 2, rome_by_code, "ROME code"));
    if (!appellations.try_emplace(code_ogr, std::move(appellation)).second) {
      return row.Error(0, "duplicate code_ogr");
    }
    return absl::OkStatus();
  });
}

struct RegionTable {
  std::vector<Region> regions;
  CodeIndex by_code;
};

absl::StatusOr<RegionTable> ReadRegions(const std::string& path) {
  PASSERELLE_ASSIGN_OR_RETURN(TsvFile file, TsvFile::Open(path, {"code", "name"}));
  RegionTable table;
  PASSERELLE_RETURN_IF_ERROR(file.ForEachRow([&](const TsvRow& row) -> absl::Status {
    PASSERELLE_ASSIGN_OR_RETURN(absl::string_view code, row.NonEmpty(0));
    PASSERELLE_ASSIGN_OR_RETURN(absl::string_view name, row.NonEmpty(1));
    const int32_t index = static_cast<int32_t>(table.regions.size());
    if (!table.by_code.try_emplace(code, index).second) return row.Error(0, "duplicate région code");
    table.regions.push_back(Region{std::string(code), std::string(name)});
    return absl::OkStatus();
  }));
  return table;
}

struct CommuneTable {
  std::vector<Commune> communes;
  CodeIndex by_code;
};

absl::StatusOr<CommuneTable> ReadCommunes(const std::string& path, const CodeIndex& region_by_code) {
  PASSERELLE_ASSIGN_OR_RETURN(
      TsvFile file,
      TsvFile::Open(path, {"insee", "name", "departement", "region_code", "lat", "lon", "population"}));
  CommuneTable table;
  table.communes.reserve(35000);
  PASSERELLE_RETURN_IF_ERROR(file.ForEachRow([&](const TsvRow& row) -> absl::Status {
    Commune commune;
    if (row.Field(0).size() != 5) return row.Error(0, "expected a 5-character INSEE code");
    commune.insee_code = std::string(row.Field(0));
    PASSERELLE_ASSIGN_OR_RETURN(absl::string_view name, row.NonEmpty(1));
    commune.name = std::string(name);
    PASSERELLE_ASSIGN_OR_RETURN(absl::string_view departement, row.NonEmpty(2));
    commune.departement_code = std::string(departement);
    PASSERELLE_ASSIGN_OR_RETURN(commune.region_index, Resolve(row, 3, region_by_code, "région code"));
    PASSERELLE_ASSIGN_OR_RETURN(commune.latitude_deg, row.Double(4, -90, 90));
    PASSERELLE_ASSIGN_OR_RETURN(commune.longitude_deg, row.Double(5, -180, 180));
    PASSERELLE_ASSIGN_OR_RETURN(commune.population, row.Int(6, 0, INT64_MAX));
    const int32_t index = static_cast<int32_t>(table.communes.size());
    if (!table.by_code.try_emplace(commune.insee_code, index).second) return row.Error(0, "duplicate INSEE code");
    table.communes.push_back(std::move(commune));
    return absl::OkStatus();
  }));
  return table;
}

// Row-major [rome * region_count + region]; pairs absent from the file keep kDefaultTension.
absl::StatusOr<std::vector<float>> ReadTension(const std::string& path, const CodeIndex& rome_by_code,
                                               const CodeIndex& region_by_code) {
  PASSERELLE_ASSIGN_OR_RETURN(
      TsvFile file, TsvFile::Open(path, {"code_rome", "region_code", "index", "listed", "ft_basins"}));
  const size_t region_count = region_by_code.size();
  std::vector<float> tension(rome_by_code.size() * region_count, kDefaultTension);
  std::vector<bool> seen(tension.size(), false);
  PASSERELLE_RETURN_IF_ERROR(file.ForEachRow([&](const TsvRow& row) -> absl::Status {
    PASSERELLE_ASSIGN_OR_RETURN(int32_t rome, Resolve(row, 0, rome_by_code, "ROME code"));
    PASSERELLE_ASSIGN_OR_RETURN(int32_t region, Resolve(row, 1, region_by_code, "région code"));
    PASSERELLE_ASSIGN_OR_RETURN(int64_t listed, row.Int(3, 0, 1));
    // The list flag carries half the index, so the value must fall in its half of [0, 1].
    const double low = kListWeight * static_cast<double>(listed);
    PASSERELLE_ASSIGN_OR_RETURN(double index, row.Double(2, low, low + (1 - kListWeight)));
    PASSERELLE_RETURN_IF_ERROR(row.Int(4, 0, 100000).status());
    const size_t slot = static_cast<size_t>(rome) * region_count + static_cast<size_t>(region);
    if (seen[slot]) return row.Error(1, "duplicate (code_rome, region_code) pair");
    seen[slot] = true;
    tension[slot] = static_cast<float>(index);
    return absl::OkStatus();
  }));
  return tension;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const ReferenceData>> ReferenceData::Load(const std::string& data_dir) {
  std::shared_ptr<ReferenceData> data(new ReferenceData());
  PASSERELLE_ASSIGN_OR_RETURN(data->version_, ReadVersion(JoinPath(data_dir, "VERSION")));
  PASSERELLE_ASSIGN_OR_RETURN(OccupationTable occupations, ReadOccupations(JoinPath(data_dir, "rome/occupations.tsv")));
  data->occupations_ = std::move(occupations.occupations);
  data->rome_by_code_ = std::move(occupations.by_code);
  data->domaine_count_ = occupations.domaine_count;
  data->grand_domaine_count_ = occupations.grand_domaine_count;
  PASSERELLE_ASSIGN_OR_RETURN(Csr<int32_t> mobility,
                              ReadMobility(JoinPath(data_dir, "rome/mobility.tsv"), data->rome_by_code_));
  data->mobility_offsets_ = std::move(mobility.offsets);
  data->mobility_targets_ = std::move(mobility.values);
  PASSERELLE_ASSIGN_OR_RETURN(SkillTable skills, ReadSkills(JoinPath(data_dir, "rome/skills.tsv")));
  data->skills_ = std::move(skills.skills);
  data->skill_by_code_ = std::move(skills.by_code);
  PASSERELLE_ASSIGN_OR_RETURN(Csr<OccupationSkill> occupation_skills,
                              ReadOccupationSkills(JoinPath(data_dir, "rome/occupation_skills.tsv"),
                                                   data->rome_by_code_, data->skill_by_code_));
  data->occupation_skill_offsets_ = std::move(occupation_skills.offsets);
  data->occupation_skills_ = std::move(occupation_skills.values);
  PASSERELLE_RETURN_IF_ERROR(
      ReadAppellations(JoinPath(data_dir, "rome/appellations.tsv"), data->rome_by_code_, data->appellations_));
  PASSERELLE_ASSIGN_OR_RETURN(RegionTable regions, ReadRegions(JoinPath(data_dir, "geo/regions.tsv")));
  data->regions_ = std::move(regions.regions);
  data->region_by_code_ = std::move(regions.by_code);
  PASSERELLE_ASSIGN_OR_RETURN(CommuneTable communes,
                              ReadCommunes(JoinPath(data_dir, "geo/communes.tsv"), data->region_by_code_));
  data->communes_ = std::move(communes.communes);
  data->commune_by_code_ = std::move(communes.by_code);
  PASSERELLE_ASSIGN_OR_RETURN(data->tension_, ReadTension(JoinPath(data_dir, "tension/tension.tsv"),
                                                           data->rome_by_code_, data->region_by_code_));
  return std::shared_ptr<const ReferenceData>(std::move(data));
}

std::string ReferenceData::DefaultDataDir() {
  const char* from_env = std::getenv("PASSERELLE_DATA_DIR");
  if (from_env != nullptr && from_env[0] != '\0') return from_env;
  return PASSERELLE_DEFAULT_DATA_DIR;
}

std::optional<int32_t> ReferenceData::FindRome(absl::string_view code) const {
  auto it = rome_by_code_.find(code);
  if (it == rome_by_code_.end()) return std::nullopt;
  return it->second;
}

absl::Span<const int32_t> ReferenceData::MobilityTargets(int32_t rome_index) const {
  if (rome_index < 0 || static_cast<size_t>(rome_index) >= occupations_.size()) return {};
  const int32_t begin = mobility_offsets_[rome_index];
  return absl::MakeConstSpan(mobility_targets_.data() + begin, mobility_offsets_[rome_index + 1] - begin);
}

bool ReferenceData::IsMobilityLink(int32_t from, int32_t to) const {
  // At most ~20 targets per occupation: a linear scan beats any index.
  absl::Span<const int32_t> targets = MobilityTargets(from);
  return std::find(targets.begin(), targets.end(), to) != targets.end();
}

int32_t ReferenceData::domaine_count() const { return domaine_count_; }
int32_t ReferenceData::grand_domaine_count() const { return grand_domaine_count_; }

std::optional<int32_t> ReferenceData::FindSkill(int64_t code_ogr) const {
  auto it = skill_by_code_.find(code_ogr);
  if (it == skill_by_code_.end()) return std::nullopt;
  return it->second;
}

absl::Span<const OccupationSkill> ReferenceData::OccupationSkills(int32_t rome_index) const {
  if (rome_index < 0 || static_cast<size_t>(rome_index) >= occupations_.size()) return {};
  const int32_t begin = occupation_skill_offsets_[rome_index];
  return absl::MakeConstSpan(occupation_skills_.data() + begin, occupation_skill_offsets_[rome_index + 1] - begin);
}

std::optional<int32_t> ReferenceData::FindAppellationRome(int64_t appellation_code_ogr) const {
  auto it = appellations_.find(appellation_code_ogr);
  if (it == appellations_.end()) return std::nullopt;
  return it->second.rome_index;
}

const std::string* ReferenceData::AppellationLabel(int64_t appellation_code_ogr) const {
  auto it = appellations_.find(appellation_code_ogr);
  return it == appellations_.end() ? nullptr : &it->second.label;
}

std::vector<int64_t> ReferenceData::AppellationCodes() const {
  std::vector<int64_t> codes;
  codes.reserve(appellations_.size());
  for (const auto& [code, appellation] : appellations_) codes.push_back(code);
  std::sort(codes.begin(), codes.end());
  return codes;
}

std::optional<int32_t> ReferenceData::FindCommune(absl::string_view insee_code) const {
  auto it = commune_by_code_.find(insee_code);
  if (it == commune_by_code_.end()) return std::nullopt;
  return it->second;
}

std::optional<int32_t> ReferenceData::FindRegion(absl::string_view insee_code) const {
  auto it = region_by_code_.find(insee_code);
  if (it == region_by_code_.end()) return std::nullopt;
  return it->second;
}

float ReferenceData::Tension(int32_t rome_index, int32_t region_index) const {
  if (rome_index < 0 || region_index < 0 || static_cast<size_t>(rome_index) >= occupations_.size() ||
      static_cast<size_t>(region_index) >= regions_.size()) {
    return kDefaultTension;
  }
  return tension_[static_cast<size_t>(rome_index) * regions_.size() + static_cast<size_t>(region_index)];
}

}  // namespace passerelle::engine
