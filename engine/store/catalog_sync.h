// Sources of openings, for imports that mirror another publisher (France Travail, a platform): which
// openings of an organisation an import of a source wrote, and the sync that expires those a full
// import of the source no longer carries (docs/francetravail.md).
//
// The ids of each (organisation, source) are kept in the store's space "sources" (one entry per pair),
// beside the records rather than read back from them: a sync then touches only that source's ids
// instead of scanning every opening. An import records its ids before it writes the openings, so a
// crash between the two leaves an id too many (harmless: expiring an absent opening does nothing),
// never one too few.
//
// Thread-safety: thread-safe; updates of the id lists are serialised.
#ifndef PASSERELLE_ENGINE_STORE_CATALOG_SYNC_H_
#define PASSERELLE_ENGINE_STORE_CATALOG_SYNC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/store/catalog.h"

namespace passerelle::engine {

// Checks a source name: [a-z0-9][a-z0-9._-]{0,63}, like an organisation id. `field` names it in the error.
absl::Status ValidateSourceName(absl::string_view source, absl::string_view field);

// The ids recorded for (organisation, source), sorted.
absl::StatusOr<std::vector<std::string>> SourceOpeningIds(Catalog* catalog, absl::string_view organisation,
                                                          absl::string_view source);

// Adds `ids` to those recorded for (organisation, source). Call before writing the openings.
absl::Status RecordSourceOpenings(Catalog* catalog, absl::string_view organisation, absl::string_view source,
                                  absl::Span<const std::string> ids);

struct SourceSyncReport {
  std::vector<std::string> expired_ids;  // deleted openings, sorted
};

// Deletes the openings recorded for (organisation, source) whose id is not in `current` (the ids a
// full import carried), and records only the ids of `current` that were recorded already. Ids
// recorded but no longer stored (deleted meanwhile) are dropped silently.
absl::StatusOr<SourceSyncReport> ExpireSourceOpenings(Catalog* catalog, absl::string_view organisation,
                                                      absl::string_view source, absl::Span<const std::string> current);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_STORE_CATALOG_SYNC_H_
