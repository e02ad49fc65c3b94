#include "server/cluster_health.h"

#include <utility>

#include "server/call_log.h"

namespace passerelle::server {

ClusterHealth::ClusterHealth(const cluster::Node* node, grpc::HealthCheckServiceInterface* health,
                             std::vector<std::string> services, absl::Duration interval)
    : node_(node), health_(health), services_(std::move(services)), interval_(interval) {
  Set(false);
  thread_ = std::thread([this] { Run(); });
}

ClusterHealth::~ClusterHealth() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  thread_.join();
}

void ClusterHealth::Set(bool serving) {
  for (const std::string& service : services_) health_->SetServingStatus(service, serving);
}

void ClusterHealth::Run() {
  cluster::NodeHealth shown = cluster::NodeHealth::kStarting;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    const cluster::NodeHealth now = node_->health();
    if (now != shown) {
      Set(now == cluster::NodeHealth::kServing);
      LogEvent("cluster_health", {{"state", cluster::NodeHealthName(now)},
                                  {"applied_sequence", static_cast<int64_t>(node_->applied_sequence())}});
      shown = now;
    }
    lock.lock();
    stop_cv_.wait_for(lock, absl::ToChronoNanoseconds(interval_), [this] { return stop_; });
  }
}

}  // namespace passerelle::server
