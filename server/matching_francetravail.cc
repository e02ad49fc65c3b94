// passerelle.v1.Matching.ImportFranceTravailOffers: France Travail offers in their published form,
// mapped to openings here (server/francetravail/offer_mapping.h) so that every client gets the same
// mapping. Written like ImportOpenings (matching_records.cc): openings of the caller's organisation,
// committed in synced batches, one report per offer; plus the source's id list and the sync
// (engine/store/catalog_sync.h). docs/francetravail.md. In cluster mode the mapped batches and the sync's
// decision go through the log instead (server/cluster_writes.h).
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "engine/model/dates.h"
#include "engine/store/catalog_sync.h"
#include "server/import_stream.h"
#include "server/cluster_writes.h"
#include "server/matching_internal.h"
#include "server/matching_cluster.h"

namespace passerelle::server {
namespace {

using namespace matching_internal;  // NOLINT: this file's own helpers

// The published field an engine field of a stored opening comes from, for errors the catalog finds.
std::string PublishedPath(absl::string_view engine_path) {
  static const std::pair<const char*, const char*> kPaths[] = {
      {"commune_insee", "lieuTravail.commune"}, {"rome_code", "romeCode"}, {"appellation_code", "appellationlibelle"},
      {"required_skills", "competences"},      {"desired_skills", "competences"}, {"title", "intitule"},
      {"positions", "nombrePostes"},           {"employer_id", "entreprise.siret"}, {"languages", "langues"},
  };
  for (const auto& [engine, published] : kPaths) {
    if (absl::StartsWith(engine_path, engine)) return published;
  }
  return std::string(engine_path);
}

void Reject(const absl::Status& status, absl::string_view field, v1::FranceTravailOfferReport* report) {
  report->set_status(v1::OFFER_IMPORT_STATUS_REJECTED);
  report->set_code(StatusCodeName(status.code()));
  report->set_field(std::string(field));
  report->set_reason(engine::FieldReason(status));
}

engine::Day Today() { return engine::DayOf(absl::Now()); }

// One import stream: the options of its first message, the batch in hand, the ids sent.
class OfferImport {
 public:
  // `node`: cluster mode, the batches and the sync go through its log; nullptr: written here.
  OfferImport(engine::Catalog* catalog, cluster::Node* node, const ServiceLimits& limits,
              const francetravail::OfferMapper& mapper, const Claims& claims,
              v1::ImportFranceTravailOffersResponse* response)
      : catalog_(catalog), node_(node), limits_(limits), mapper_(mapper), claims_(claims), response_(response) {
    options_.employer_id = [this](absl::string_view siret) {
      // A keyed hash under the store's record secret, in a space no organisation id can name ('~').
      return "siret-" + absl::BytesToHexString(catalog_->store().RecordKey("~siret", siret).substr(0, 12));
    };
  }

  absl::Status SetOptions(const v1::FranceTravailImportOptions& options) {
    source_ = options.source().empty() ? std::string(francetravail::kDefaultSource) : options.source();
    PASSERELLE_RETURN_IF_ERROR(engine::ValidateSourceName(source_, "options.source"));
    options_.source = source_;
    sync_ = options.sync();
    if (options.lifetime_days() < 0 || options.lifetime_days() > francetravail::kMaxLifetimeDays) {
      return engine::InvalidFieldError("options.lifetime_days",
                                       absl::StrCat("must be in [0, ", francetravail::kMaxLifetimeDays, "]"));
    }
    lifetime_days_ = options.lifetime_days() == 0 ? francetravail::kDefaultLifetimeDays : options.lifetime_days();
    return absl::OkStatus();
  }

  // Maps one offer into the batch, or reports it rejected.
  void Add(const v1::FranceTravailOffer& offer) {
    v1::FranceTravailOfferReport* report = response_->add_offers();
    report->set_index(received_++);
    report->set_offer_id(offer.id());
    // Every id sent counts for the sync, even one refused below: its stored opening is not expired.
    if (engine::ValidateId(offer.id(), "id").ok()) sent_ids_.push_back(offer.id());
    if (received_ > limits_.max_import_items) {
      Reject(absl::ResourceExhaustedError(absl::StrCat("this stream carries more than ", limits_.max_import_items,
                                                       " offers; send the rest in another stream")),
             "", report);
      return;
    }
    absl::StatusOr<francetravail::MappedOffer> mapped = mapper_.Map(offer, options_);
    if (!mapped.ok()) return Reject(mapped.status(), engine::FieldPath(mapped.status()), report);
    for (std::string& note : mapped->notes) report->add_notes(std::move(note));
    engine::Day expires_on = 0;
    if (!sync_) {
      const engine::Opening& o = mapped->opening;
      const engine::Day base = o.updated_on != 0 ? o.updated_on : o.created_on != 0 ? o.created_on : Today();
      expires_on = base + lifetime_days_;
      if (expires_on <= Today()) {
        return Reject(absl::InvalidArgumentError(absl::StrCat(
                          "last updated on ", engine::FormatDay(base), ", so past its ", lifetime_days_,
                          "-day lifetime (expired on ", engine::FormatDay(expires_on),
                          "); import it with a longer options.lifetime_days, or in a sync")),
                      "dateActualisation", report);
      }
    }
    // The published format has no start date and lists only offers open now: the job starts from the import
    // day (a start_date of 0 would read as 1970-01-01 to the timing criterion).
    if (mapped->opening.start_date == 0) mapped->opening.start_date = Today();
    mapped->opening.owner_id = claims_.organisation;
    batch_.push_back(std::move(mapped->opening));
    expiries_.push_back(expires_on);
    batch_reports_.push_back(response_->offers_size() - 1);
  }

  bool BatchFull() const { return static_cast<int>(batch_.size()) >= limits_.import_batch_items; }

  // Records the batch's ids under the source, then writes it (synced).
  absl::Status Commit() {
    if (batch_.empty()) return absl::OkStatus();
    if (node_ != nullptr) return CommitThroughLog();
    std::vector<std::string> ids;
    for (const engine::Opening& o : batch_) ids.push_back(o.id);
    PASSERELLE_RETURN_IF_ERROR(engine::RecordSourceOpenings(catalog_, claims_.organisation, source_, ids));
    PASSERELLE_ASSIGN_OR_RETURN(std::vector<engine::PutOutcome> outcomes,
                                catalog_->PutOpenings(claims_.organisation, batch_, expiries_));
    for (size_t i = 0; i < outcomes.size(); ++i) Report(outcomes[i], batch_reports_[i]);
    ClearBatch();
    return absl::OkStatus();
  }

  // The log entry's sequence of the last batch or sync appended (cluster mode); 0 when none was.
  uint64_t last_sequence() const { return last_sequence_; }

  // The sync, then the counts.
  absl::Status Finish() {
    int64_t added = 0, changed = 0;
    for (const v1::FranceTravailOfferReport& r : response_->offers()) {
      if (r.status() == v1::OFFER_IMPORT_STATUS_STORED) ++(r.created() ? added : changed);
    }
    // A sync in which nothing was stored (an empty or unreadable file) would expire the whole source:
    // refused, so that a broken feed never empties the store.
    if (sync_ && added + changed == 0 && received_ > 0) {
      return absl::FailedPreconditionError("options.sync: no offer of the stream was stored, so nothing was expired");
    }
    if (sync_ && received_ > 0) {
      std::vector<std::string> expired;
      if (node_ != nullptr) {
        PASSERELLE_ASSIGN_OR_RETURN(expired, SyncThroughLog());
      } else {
        PASSERELLE_ASSIGN_OR_RETURN(engine::SourceSyncReport sync,
                                    engine::ExpireSourceOpenings(catalog_, claims_.organisation, source_, sent_ids_));
        expired = std::move(sync.expired_ids);
      }
      response_->set_expired_count(static_cast<int64_t>(expired.size()));
      for (std::string& id : expired) response_->add_expired_ids(std::move(id));
    }
    response_->set_received_count(received_);
    response_->set_added_count(added);
    response_->set_changed_count(changed);
    response_->set_rejected_count(received_ - added - changed);
    return absl::OkStatus();
  }

 private:
  void Report(const engine::PutOutcome& outcome, int report_index) {
    v1::FranceTravailOfferReport* report = response_->mutable_offers(report_index);
    if (outcome.status.ok()) {
      report->set_status(v1::OFFER_IMPORT_STATUS_STORED);
      report->set_created(outcome.created);
    } else {
      Reject(outcome.status, PublishedPath(engine::FieldPath(outcome.status)), report);
    }
  }

  void ClearBatch() {
    batch_.clear();
    expiries_.clear();
    batch_reports_.clear();
  }

  // Validates the batch against this node's reference data, as the catalog would, and appends the valid
  // openings in one entry; reports from applying it here.
  absl::Status CommitThroughLog() {
    std::vector<engine::Opening> valid;
    std::vector<engine::Day> expiries;
    std::vector<int> reports;
    for (size_t i = 0; i < batch_.size(); ++i) {
      engine::Opening opening = batch_[i];
      opening.expires_on = expiries_[i];
      const absl::Status resolved = catalog_->index().ResolveOpening(opening).status();
      if (!resolved.ok()) {
        Reject(resolved, PublishedPath(engine::FieldPath(resolved)), response_->mutable_offers(batch_reports_[i]));
        continue;
      }
      valid.push_back(std::move(opening));
      expiries.push_back(expiries_[i]);
      reports.push_back(batch_reports_[i]);
    }
    ClearBatch();
    if (valid.empty()) return absl::OkStatus();
    PASSERELLE_ASSIGN_OR_RETURN(cluster::Node::Applied applied,
                                AppendOfferBatch(*node_, claims_.organisation, source_, valid, expiries));
    last_sequence_ = applied.sequence;
    PASSERELLE_RETURN_IF_ERROR(applied.outcome.status);
    const std::vector<engine::PutOutcome>& outcomes = applied.outcome.puts;
    for (size_t i = 0; i < reports.size(); ++i) {
      // No outcome kept (applied before this node could keep it): the entry was applied, so stored.
      Report(i < outcomes.size() ? outcomes[i] : engine::PutOutcome{}, reports[i]);
    }
    return absl::OkStatus();
  }

  // The sync decided here from what this node applied, then applied by every node: the openings expired.
  absl::StatusOr<std::vector<std::string>> SyncThroughLog() {
    PASSERELLE_ASSIGN_OR_RETURN(std::vector<std::string> expire,
                                DecideSourceSync(*catalog_, claims_.organisation, source_, sent_ids_));
    PASSERELLE_ASSIGN_OR_RETURN(cluster::Node::Applied applied,
                                AppendSourceSync(*node_, claims_.organisation, source_, expire));
    last_sequence_ = applied.sequence;
    PASSERELLE_RETURN_IF_ERROR(applied.outcome.status);
    return applied.outcome.ids;
  }

  engine::Catalog* const catalog_;
  cluster::Node* const node_;
  const ServiceLimits& limits_;
  const francetravail::OfferMapper& mapper_;
  const Claims& claims_;
  v1::ImportFranceTravailOffersResponse* const response_;
  francetravail::MappingOptions options_;
  std::string source_ = francetravail::kDefaultSource;
  bool sync_ = false;
  int lifetime_days_ = francetravail::kDefaultLifetimeDays;
  int64_t received_ = 0;
  std::vector<std::string> sent_ids_;
  std::vector<engine::Opening> batch_;
  std::vector<engine::Day> expiries_;
  std::vector<int> batch_reports_;
  uint64_t last_sequence_ = 0;
};

}  // namespace

const francetravail::OfferMapper& MatchingService::offer_mapper() {
  absl::call_once(offer_mapper_once_,
                  [this] { offer_mapper_ = std::make_unique<francetravail::OfferMapper>(catalog_->data()); });
  return *offer_mapper_;
}

grpc::Status MatchingService::ImportFranceTravailOffersBytes(grpc::ServerContext* context,
                                                             grpc::ServerReader<grpc::ByteBuffer>* reader,
                                                             v1::ImportFranceTravailOffersResponse* response) {
  return Run(*context, "ImportFranceTravailOffers", [&](CallLog& log, const Claims& claims) -> absl::Status {
    OfferImport import(catalog_, cluster_node_, limits_, offer_mapper(), claims, response);
    reader->SendInitialMetadata();  // the stream is in the server's hands (see ImportOpenings)
    // Read as bytes (server/import_stream.h): a message that does not decode fails the call saying how far
    // it went, never ends it OK with the offers after it unread. One message may carry many offers, so
    // its offers cannot be counted one by one; nothing of a failed sync is expired.
    ImportStream<v1::ImportFranceTravailOffersRequest> stream(reader, [&] { gate_->Touch(*context); });
    v1::ImportFranceTravailOffersRequest request;
    bool first = true;
    absl::Status status;
    absl::Status undecodable;
    while (status.ok() && stream.Next(&request, &undecodable)) {
      if (!undecodable.ok()) {
        status = ImportFailed(PrefixFieldPath(undecodable, absl::StrCat("messages[", stream.received() - 1, "]")),
                              stream.received(), response->added_count() + response->changed_count());
        break;
      }
      if (first) {
        status = import.SetOptions(request.options());
      } else if (request.has_options()) {
        status = engine::InvalidFieldError("options", "only in the first message of the stream");
      }
      first = false;
      for (const v1::FranceTravailOffer& offer : request.offers()) {
        if (!status.ok()) break;
        import.Add(offer);
        if (import.BatchFull()) status = CheckLive(context).ok() ? import.Commit() : CheckLive(context);
      }
    }
    // Read() also ends when the client cancels or the deadline passes: then the last batch is not written.
    if (status.ok()) status = CheckLive(context);
    if (status.ok()) status = import.Commit();
    if (status.ok()) status = import.Finish();
    SetSequenceMetadata(*context, import.last_sequence());  // nothing in a single process
    log.Count("items", response->offers_size());
    log.Count("stored", response->added_count() + response->changed_count());
    log.Count("expired", response->expired_count());
    return status;
  });
}

}  // namespace passerelle::server
