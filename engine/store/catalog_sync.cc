#include "engine/store/catalog_sync.h"

#include <algorithm>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/common/field_status.h"
#include "engine/common/status_macros.h"

namespace passerelle::engine {
namespace {

constexpr char kSpace[] = "sources";

// Serialises read-modify-write of the id lists (imports of one source are rare and short to record).
std::mutex& ListMutex() {
  static std::mutex mu;
  return mu;
}

// "<organisation> <source> ": neither holds a space, so the key is also a prefix of nothing else.
std::string ListKey(absl::string_view organisation, absl::string_view source) {
  return absl::StrCat(organisation, " ", source, " ");
}

// Ids are printable and hold no newline (ValidateId): one per line.
absl::StatusOr<std::vector<std::string>> ReadList(Catalog* catalog, absl::string_view key) {
  PASSERELLE_ASSIGN_OR_RETURN(auto entries, catalog->store().ScanSpace(kSpace, key));
  std::vector<std::string> ids;
  for (const auto& [k, value] : entries) {
    if (k != key) continue;
    for (absl::string_view id : absl::StrSplit(value, '\n', absl::SkipEmpty())) ids.emplace_back(id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

absl::Status WriteList(Catalog* catalog, absl::string_view key, const std::vector<std::string>& ids) {
  if (ids.empty()) return catalog->store().DeleteInSpace(kSpace, key);
  return catalog->store().PutInSpace(kSpace, key, absl::StrJoin(ids, "\n"));
}

}  // namespace

absl::Status ValidateSourceName(absl::string_view source, absl::string_view field) {
  bool ok = !source.empty() && source.size() <= 64 && (absl::ascii_islower(source[0]) || absl::ascii_isdigit(source[0]));
  for (char c : source) {
    ok = ok && (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '.' || c == '_' || c == '-');
  }
  if (!ok) return InvalidFieldError(field, "expected 1 to 64 characters among a-z 0-9 . _ -, starting with a letter or digit");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> SourceOpeningIds(Catalog* catalog, absl::string_view organisation,
                                                          absl::string_view source) {
  std::lock_guard<std::mutex> lock(ListMutex());
  return ReadList(catalog, ListKey(organisation, source));
}

absl::Status RecordSourceOpenings(Catalog* catalog, absl::string_view organisation, absl::string_view source,
                                  absl::Span<const std::string> ids) {
  if (ids.empty()) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(ListMutex());
  const std::string key = ListKey(organisation, source);
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<std::string> recorded, ReadList(catalog, key));
  const size_t before = recorded.size();
  recorded.insert(recorded.end(), ids.begin(), ids.end());
  std::sort(recorded.begin(), recorded.end());
  recorded.erase(std::unique(recorded.begin(), recorded.end()), recorded.end());
  if (recorded.size() == before) return absl::OkStatus();  // nothing new: no write
  return WriteList(catalog, key, recorded);
}

absl::StatusOr<SourceSyncReport> ExpireSourceOpenings(Catalog* catalog, absl::string_view organisation,
                                                      absl::string_view source, absl::Span<const std::string> current) {
  std::lock_guard<std::mutex> lock(ListMutex());
  const std::string key = ListKey(organisation, source);
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<std::string> recorded, ReadList(catalog, key));
  std::vector<std::string> keep(current.begin(), current.end());
  std::sort(keep.begin(), keep.end());
  SourceSyncReport report;
  std::vector<std::string> still;
  for (const std::string& id : recorded) {
    if (std::binary_search(keep.begin(), keep.end(), id)) {
      still.push_back(id);
      continue;
    }
    const absl::Status deleted = catalog->DeleteOpening(organisation, id);
    if (deleted.ok()) {
      report.expired_ids.push_back(id);
    } else if (!absl::IsNotFound(deleted)) {
      // Keep the list as it was for the ids not yet expired: the next sync retries them.
      std::vector<std::string> left = still;
      for (const std::string& other : recorded) {
        if (other >= id && !std::binary_search(keep.begin(), keep.end(), other)) left.push_back(other);
      }
      std::sort(left.begin(), left.end());
      PASSERELLE_RETURN_IF_ERROR(WriteList(catalog, key, left));
      return deleted;
    }
  }
  PASSERELLE_RETURN_IF_ERROR(WriteList(catalog, key, still));
  return report;
}

}  // namespace passerelle::engine
