#include "tests/fuzz/service_harness.h"

#include <cstdio>
#include <cstdlib>

#include "server/call_log.h"
#include "tests/fuzz/fuzz_support.h"

namespace passerelle::fuzz {
namespace {

template <class T>
T OrDie(absl::StatusOr<T> value, const char* what) {
  if (!value.ok()) {
    std::fprintf(stderr, "fuzz harness: %s: %s\n", what, std::string(value.status().message()).c_str());
    std::abort();
  }
  return *std::move(value);
}

}  // namespace

ServiceHarness& ServiceHarness::Get() {
  static ServiceHarness* harness = [] {
    server::SetLoggingEnabled(false);  // one JSON line per call would dominate the run time
    auto* h = new ServiceHarness();
    engine::CatalogOptions options;
    options.store.sync_writes = false;
    options.erase_on_delete = false;
    options.load_threads = 1;
    options.put_threads = 1;
    h->catalog_ = OrDie(engine::Catalog::Open(ScratchDir("passerelle-request-fuzz"), SharedReferenceData(), options),
                        "opening the catalog");
    h->registry_ = OrDie(server::AccessRegistry::Load(&h->catalog_->store()), "loading the registry");
    for (int role = 0; role < kRoles; ++role) {
      auto [key, secret] = OrDie(h->registry_->CreateKey("fuzz-org", static_cast<server::Role>(role),
                                                         absl::ZeroDuration(), "fuzz"),
                                 "creating a key");
      h->key_ids_[role] = key.id;
      h->secrets_[role] = std::move(secret);
    }
    h->authorizer_ = std::make_unique<server::Authorizer>(h->registry_.get());
    server::TenantLimitOptions limits;
    limits.requests_per_second = 1e9;  // the fuzzer calls far faster than any client may
    limits.burst_requests = 1e9;
    h->limits_ = std::make_unique<server::TenantLimits>(limits);
    h->gate_ = std::make_unique<server::CallGate>(h->registry_.get(), h->authorizer_.get(), h->limits_.get(),
                                                  /*authenticate_metadata=*/true);
    h->matching_ = std::make_unique<server::MatchingService>(h->catalog_.get(), server::ServiceLimits{}, h->gate_.get());
    h->governance_ = std::make_unique<server::GovernanceService>(h->catalog_.get(), engine::RetentionOptions{},
                                                                 h->gate_.get(), h->registry_.get());
    h->access_ = std::make_unique<server::AccessService>(h->registry_.get(), h->gate_.get());
    return h;
  }();
  return *harness;
}

bool ServiceHarness::IsHarnessKey(absl::string_view key_id) const {
  for (const std::string& id : key_ids_) {
    if (id == key_id) return true;
  }
  return false;
}

ServiceHarness::Call::Call(const ServiceHarness& harness, int role) {
  spouse_.AddClientMetadata(server::kAuthorizationMetadata,
                            "Bearer " + harness.secrets_[static_cast<size_t>(role) % kRoles]);
}

}  // namespace passerelle::fuzz
