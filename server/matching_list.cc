// MatchingService's ListCandidates and ListOpenings: the records the caller may read, a page at a time.
//
// Order and tokens: records are listed by (owner_id, id), byte-wise. A page token is the (owner, id) of
// the last record of the previous page plus a fingerprint of the filter, web-safe base64 encoded; the
// next page starts after that pair, so a token stays valid across writes (a record put meanwhile is
// listed if it sorts after it, a deleted one is simply not there) and across restarts.
//
// Cost: the stored keys are keyed hashes (engine/store/record_key.h), so they give no order by
// organisation or id to seek in: each page scans the kind's records on one RocksDB snapshot and keeps the
// page_size smallest pairs after the token (O(records) time, O(page_size) memory). Fine for the tens of
// thousands of records of a deployment; an index by (owner, id) would be the next step.
#include <iterator>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/common/status_macros.h"
#include "server/matching_internal.h"
#include "server/matching_service.h"

namespace passerelle::server {
namespace {

using namespace matching_internal;  // NOLINT: the helpers shared by the handlers

constexpr int kMaxPageSize = 1000;
constexpr int kDefaultPageSize = 100;
constexpr char kTokenVersion[] = "l1";

// FNV-1a over the filter's deterministic bytes: the same filter in every process.
uint64_t Fingerprint(const v1::ListFilter& filter) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    filter.SerializeToCodedStream(&coded);
  }
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

using OwnerAndId = std::pair<std::string, std::string>;

std::string EncodeToken(const OwnerAndId& last, const v1::ListFilter& filter) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kTokenVersion, std::string(1, '\0'), last.first, std::string(1, '\0'), last.second,
                   std::string(1, '\0'), Fingerprint(filter)));
}

absl::StatusOr<std::optional<OwnerAndId>> DecodeToken(const std::string& token, const v1::ListFilter& filter) {
  if (token.empty()) return std::optional<OwnerAndId>();
  std::string raw;
  const absl::Status bad = engine::InvalidFieldError("page_token", "not a token this server gave for this filter");
  if (!absl::WebSafeBase64Unescape(token, &raw)) return bad;
  std::vector<std::string> parts = absl::StrSplit(raw, '\0');
  if (parts.size() != 4 || parts[0] != kTokenVersion || parts[3] != absl::StrCat(Fingerprint(filter))) return bad;
  return std::optional<OwnerAndId>(OwnerAndId{parts[1], parts[2]});
}

// Whether ROME `code` is `wanted`, or in the domaine or grand domaine `wanted` names.
bool InOccupation(absl::string_view code, absl::string_view wanted) {
  return wanted.size() < code.size() ? absl::StartsWith(code, wanted) : code == wanted;
}

absl::Status ValidateFilter(const v1::ListFilter& filter, const engine::ReferenceData& data) {
  for (int i = 0; i < filter.occupations_size(); ++i) {
    const std::string& code = filter.occupations(i);
    bool known = false;
    for (const engine::RomeOccupation& o : data.occupations()) known = known || InOccupation(o.code, code);
    if (!known || code.empty()) {
      return engine::InvalidFieldError(absl::StrCat("filter.occupations[", i, "]"),
                                       absl::StrCat("not a ROME code, domaine or grand domaine: \"", code, "\""));
    }
  }
  if (filter.updated_since_unix_seconds() < 0) {
    return engine::InvalidFieldError("filter.updated_since_unix_seconds", "must be >= 0");
  }
  return absl::OkStatus();
}

template <class Codes>
bool AnyInOccupations(const Codes& codes, const v1::ListFilter& filter) {
  for (const auto& code : codes) {
    for (const std::string& wanted : filter.occupations()) {
      if (InOccupation(code, wanted)) return true;
    }
  }
  return false;
}

bool InDepartements(const std::string& commune, const v1::ListFilter& filter, const engine::ReferenceData& data) {
  if (filter.departements().empty()) return true;
  const std::optional<int32_t> index = data.FindCommune(commune);
  if (!index.has_value()) return false;
  for (const std::string& d : filter.departements()) {
    if (data.communes()[*index].departement_code == d) return true;
  }
  return false;
}

bool Passes(const v1::Candidate& c, const v1::ListFilter& filter, const engine::ReferenceData& data) {
  if (!InDepartements(c.commune_insee(), filter, data)) return false;
  if (!filter.occupations().empty()) {
    std::vector<std::string> codes(c.wished_occupations().begin(), c.wished_occupations().end());
    for (const v1::PastOccupation& p : c.past_occupations()) codes.push_back(p.rome_code());
    if (!AnyInOccupations(codes, filter)) return false;
  }
  if (!filter.contract_types().empty()) {
    bool accepted = false;
    for (int wanted : filter.contract_types()) {
      for (int contract : c.accepted_contracts()) accepted = accepted || contract == wanted;
    }
    if (!accepted) return false;
  }
  return true;
}

bool Passes(const v1::Opening& o, const v1::ListFilter& filter, const engine::ReferenceData& data) {
  if (!InDepartements(o.commune_insee(), filter, data)) return false;
  if (!filter.occupations().empty() && !AnyInOccupations(std::vector<std::string>{o.rome_code()}, filter)) {
    return false;
  }
  if (!filter.contract_types().empty()) {
    bool listed = false;
    for (int wanted : filter.contract_types()) listed = listed || wanted == o.contract();
    if (!listed) return false;
  }
  return true;
}

bool Matchable(const engine::MatchIndex& index, const v1::Candidate&, const std::string& qualified) {
  return index.FindCandidate(qualified) != nullptr;
}
bool Matchable(const engine::MatchIndex& index, const v1::Opening&, const std::string& qualified) {
  return index.FindOpening(qualified) != nullptr;
}

engine::RecordKind KindOf(const v1::Candidate&) { return engine::RecordKind::kCandidate; }
engine::RecordKind KindOf(const v1::Opening&) { return engine::RecordKind::kOpening; }

auto* Records(v1::ListCandidatesResponse* r) { return r->mutable_candidates(); }
auto* Records(v1::ListOpeningsResponse* r) { return r->mutable_openings(); }

}  // namespace

template <class Kind, class Request, class Response>
absl::Status MatchingService::ListRecords(const grpc::ServerContext* context, CallLog& log, const Claims& claims,
                                          const Request& request, Response* response) {
  using Message = typename Kind::Message;
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return engine::InvalidFieldError("page_size", absl::StrCat("must be in [0, ", kMaxPageSize, "]"));
  }
  const size_t page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  const v1::ListFilter& filter = request.filter();
  PASSERELLE_RETURN_IF_ERROR(ValidateFilter(filter, catalog_->data()));
  PASSERELLE_ASSIGN_OR_RETURN(const std::optional<OwnerAndId> after, DecodeToken(request.page_token(), filter));
  PASSERELLE_RETURN_IF_ERROR(CheckLive(context));

  struct Listed {
    Message record;
    int64_t updated = 0;
  };
  std::map<OwnerAndId, Listed> page;  // the page_size + 1 smallest pairs after the token
  absl::Status scanned = catalog_->store().ForEach(KindOf(Message()), [&](absl::string_view, absl::string_view bytes) {
    PASSERELLE_ASSIGN_OR_RETURN(const engine::StoredValue value, engine::DecodeStoredValue(bytes));
    if (value.updated_unix_seconds < filter.updated_since_unix_seconds()) return absl::OkStatus();
    Message record;
    if (!record.ParseFromArray(value.record.data(), static_cast<int>(value.record.size()))) {
      return absl::DataLossError(absl::StrCat("a stored ", Kind::kField, " does not parse"));
    }
    OwnerAndId key{record.owner_id(), record.id()};
    if (after.has_value() && key <= *after) return absl::OkStatus();
    if (!filter.owner_id().empty() && key.first != filter.owner_id()) return absl::OkStatus();
    if (page.size() > page_size && key >= page.rbegin()->first) return absl::OkStatus();
    if (!Kind::CanRead(gate_->authorizer(), claims, record)) return absl::OkStatus();
    if (!Passes(record, filter, catalog_->data())) return absl::OkStatus();
    page.emplace(std::move(key), Listed{std::move(record), value.updated_unix_seconds});
    if (page.size() > page_size + 1) page.erase(std::prev(page.end()));
    return absl::OkStatus();
  });
  PASSERELLE_RETURN_IF_ERROR(scanned);
  const bool more = page.size() > page_size;
  if (more) page.erase(std::prev(page.end()));

  std::vector<std::string> returned;
  for (auto& [key, listed] : page) {
    const std::string qualified = engine::QualifiedId(key.first, key.second);
    returned.push_back(qualified);
    v1::ListedRecordInfo* info = response->add_infos();
    info->set_owner_id(key.first);
    info->set_updated_unix_seconds(listed.updated);
    info->set_matchable(Matchable(catalog_->index(), listed.record, qualified));
    Kind::View(claims, &listed.record);
    *Records(response)->Add() = std::move(listed.record);
  }
  if (KindOf(Message()) == engine::RecordKind::kCandidate) {
    PASSERELLE_RETURN_IF_ERROR(AuditCall(catalog_, claims, "ListCandidates", returned));
  }
  if (more && !page.empty()) response->set_next_page_token(EncodeToken(page.rbegin()->first, filter));
  log.Count("results", static_cast<int64_t>(page.size()));
  return absl::OkStatus();
}

grpc::Status MatchingService::ListCandidates(grpc::ServerContext* context, const v1::ListCandidatesRequest* request,
                                             v1::ListCandidatesResponse* response) {
  return Run(*context, "ListCandidates", [&](CallLog& log, const Claims& claims) {
    return ListRecords<CandidateKind>(context, log, claims, *request, response);
  });
}

grpc::Status MatchingService::ListOpenings(grpc::ServerContext* context, const v1::ListOpeningsRequest* request,
                                           v1::ListOpeningsResponse* response) {
  return Run(*context, "ListOpenings", [&](CallLog& log, const Claims& claims) {
    return ListRecords<OpeningKind>(context, log, claims, *request, response);
  });
}

}  // namespace passerelle::server
