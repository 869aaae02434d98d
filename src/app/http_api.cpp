#include "app/http_api.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "app/app_controller.hpp"
#include "base/utf8_path.hpp"

namespace lanspread::app {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// A comment line this often keeps proxies and the browser from timing the
// stream out, and notices a closed tab.
constexpr auto kKeepAlive = 15s;
constexpr const char* kTokenHeader = "X-Lanspread-Token";
constexpr const char* kLoopback = "127.0.0.1";
// Streams hold a worker each; the rest serve commands and files.
constexpr std::size_t kWorkers = 16;

// The UI may run scripts and styles from this origin only; nothing may frame
// it (clickjacking) and no form may post anywhere.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

std::uint16_t bind_loopback(httplib::Server& server, std::uint16_t port) {
  if (port == 0) {
    const int bound = server.bind_to_any_port(kLoopback);
    if (bound <= 0)
      throw std::runtime_error("cannot listen on 127.0.0.1 for the UI");
    return static_cast<std::uint16_t>(bound);
  }
  if (!server.bind_to_port(kLoopback, port))
    throw std::runtime_error(fmt::format("cannot listen on 127.0.0.1:{} for the UI", port));
  return port;
}

std::unique_ptr<httplib::Server> make_server() {
  auto server = std::make_unique<httplib::Server>();
  server->new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
  return server;
}

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void reply(httplib::Response& res, const CommandResult& result) {
  if (result.ok()) {
    reply(res, result.status, {{"ok", true}});
  } else {
    reply(res, result.status, {{"error", result.error}});
  }
}

// The types of the files a Vite build writes. Browsers run a script or apply
// a style sheet only when it comes with its own type (nosniff).
std::string content_type(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".html", "text/html; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".wasm", "application/wasm"},
      {".txt", "text/plain; charset=utf-8"}};
  for (const auto& [extension, type] : kTypes) {
    if (path.ends_with(extension))
      return std::string(type);
  }
  return "application/octet-stream";
}

std::optional<std::string> read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A string field of a JSON body, or nullopt when the body is not such an
// object.
std::optional<std::string> body_field(const httplib::Request& req, const char* field) {
  const auto body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains(field) || !body[field].is_string())
    return std::nullopt;
  return body[field].get<std::string>();
}

}  // namespace

HttpApi::HttpApi(AppController& controller, Options options)
    : controller_(controller),
      options_(std::move(options)),
      server_(make_server()),
      guard_(options_.token.empty() ? AccessGuard::generate_token() : options_.token,
             bind_loopback(*server_, options_.port)) {
  if (options_.ui_dir.empty()) {
    for (const auto& file : options_.ui_files)
      ui_files_.emplace(file.path, file.bytes);
  }
  add_routes();
  add_ui_routes();
  add_event_stream();
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    listen_returned_ = true;
  });
}

HttpApi::~HttpApi() {
  stop();
}

std::string HttpApi::url() const {
  return fmt::format("http://127.0.0.1:{}/?token={}", guard_.port(), guard_.token());
}

void HttpApi::stop() {
  {
    const std::scoped_lock lock(streams_mutex_);
    if (stopped_)
      return;
    stopped_ = true;
    for (const auto& stream : streams_) {
      if (const auto open = stream.lock())
        open->cancel();
    }
  }
  // httplib's stop() does nothing before its listen loop has started (a
  // Ctrl-C right after start would leave the loop running for ever): wait
  // until it runs, or has already ended.
  while (!server_->is_running() && !listen_returned_)
    std::this_thread::yield();
  server_->stop();
  if (thread_.joinable())
    thread_.join();
}

void HttpApi::remember(const std::shared_ptr<EventHub::Subscription>& stream) {
  const std::scoped_lock lock(streams_mutex_);
  if (stopped_)
    stream->cancel();
  std::erase_if(streams_, [](const auto& weak) { return weak.expired(); });
  streams_.push_back(stream);
}

void HttpApi::add_routes() {
  server_->set_default_headers({{"X-Content-Type-Options", "nosniff"},
                                {"Referrer-Policy", "no-referrer"},
                                {"X-Frame-Options", "DENY"},
                                {"Cache-Control", "no-store"}});

  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    const bool page = req.path == "/" || req.path == "/index.html";
    const bool api = req.path.starts_with("/api/");
    const std::string host = req.get_header_value("Host");
    const std::string origin = req.get_header_value("Origin");
    const std::string fetch_site = req.get_header_value("Sec-Fetch-Site");
    std::string token = req.get_header_value(kTokenHeader);
    // The page carries the token in its URL; EventSource cannot send
    // headers, so the stream may too.
    if (token.empty() && (page || req.path == "/api/events") && req.has_param("token"))
      token = req.get_param_value("token");
    const AccessGuard::Request check{
        .host = host,
        .origin = req.has_header("Origin") ? std::optional<std::string_view>(origin) : std::nullopt,
        .fetch_site = api && req.has_header("Sec-Fetch-Site")
                          ? std::optional<std::string_view>(fetch_site)
                          : std::nullopt,
        .token = token.empty() ? std::nullopt : std::optional<std::string_view>(token),
        .needs_token = !req.path.starts_with("/assets/")};
    const auto admitted = guard_.admit(check);
    if (admitted)
      return httplib::Server::HandlerResponse::Unhandled;
    const auto& refusal = admitted.error().message;
    spdlog::warn("refused {} {}: {}", req.method, req.path, refusal);
    if (page) {
      res.status = 403;
      res.set_content("Lanspread refused this page (" + refusal +
                          "). Open the address the app printed when it started.",
                      "text/plain; charset=utf-8");
    } else {
      reply(res, 403, {{"error", refusal}});
    }
    return httplib::Server::HandlerResponse::Handled;
  });

  server_->Get("/api/state", [this](const httplib::Request&, httplib::Response& res) {
    reply(res, 200, controller_.snapshot());
  });

  server_->Post("/api/games/refresh", [this](const httplib::Request&, httplib::Response& res) {
    reply(res, controller_.refresh_games());
  });

  server_->Post(
      R"(/api/games/([^/]+)/(files|download|update|cancel|install|uninstall|remove|dismiss))",
      [this](const httplib::Request& req, httplib::Response& res) {
        const std::string id = req.matches[1];
        const std::string action = req.matches[2];
        CommandResult result;
        if (action == "files") {
          result = controller_.request_files(id);
        } else if (action == "download") {
          result = controller_.download(id);
        } else if (action == "update") {
          result = controller_.update(id);
        } else if (action == "cancel") {
          result = controller_.cancel_download(id);
        } else if (action == "install") {
          result = controller_.install(id);
        } else if (action == "uninstall") {
          result = controller_.uninstall(id);
        } else if (action == "remove") {
          result = controller_.remove_download(id);
        } else {
          result = controller_.dismiss_failure(id);
        }
        reply(res, result);
      });

  server_->Post("/api/game-dir", [this](const httplib::Request& req, httplib::Response& res) {
    const auto path = body_field(req, "path");
    if (!path) {
      reply(res, 400, {{"error", "expected {\"path\": \"/folder\"}"}});
      return;
    }
    reply(res, controller_.set_game_dir(*path));
  });

  server_->Post("/api/peers", [this](const httplib::Request& req, httplib::Response& res) {
    const auto address = body_field(req, "address");
    if (!address) {
      reply(res, 400, {{"error", "expected {\"address\": \"HOST:PORT\"}"}});
      return;
    }
    reply(res, controller_.add_peer(*address));
  });

  server_->Post("/api/rate-limits", [this](const httplib::Request& req, httplib::Response& res) {
    const auto body = json::parse(req.body, nullptr, false);
    const auto limit = [&body](const char* field) -> std::optional<double> {
      if (!body.is_object() || !body.contains(field) || !body[field].is_number())
        return std::nullopt;
      return body[field].get<double>();
    };
    const auto upload = limit("upload_limit_mbit");
    const auto download = limit("download_limit_mbit");
    if (!upload || !download) {
      reply(res, 400,
            {{"error",
              "expected {\"upload_limit_mbit\": N, \"download_limit_mbit\": N} "
              "(Mbit/s, 0 for no limit)"}});
      return;
    }
    reply(res, controller_.set_rate_limits({.upload_mbit = *upload, .download_mbit = *download}));
  });

  // The passphrase goes in and never comes back out: answers and the
  // snapshot say only "set" or "not set".
  server_->Post("/api/passphrase", [this](const httplib::Request& req, httplib::Response& res) {
    const auto body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("passphrase") ||
        !(body["passphrase"].is_string() || body["passphrase"].is_null())) {
      reply(res, 400, {{"error", "expected {\"passphrase\": \"...\"} or {\"passphrase\": null}"}});
      return;
    }
    const auto passphrase = body["passphrase"].is_null()
                                ? std::nullopt
                                : std::optional(body["passphrase"].get<std::string>());
    reply(res, controller_.set_passphrase(passphrase));
  });

  server_->Post("/api/quit", [this](const httplib::Request&, httplib::Response& res) {
    reply(res, 202, {{"ok", true}});
    controller_.publish({{"event", "app-quitting"}});
    if (options_.on_quit)
      options_.on_quit();
  });
}

void HttpApi::add_ui_routes() {
  const bool from_folder = !options_.ui_dir.empty();
  const auto index = [this, from_folder](const httplib::Request&, httplib::Response& res) {
    std::optional<std::string> html;
    if (from_folder) {
      html = read_text(options_.ui_dir / "index.html");
    } else if (const auto file = ui_files_.find("index.html"); file != ui_files_.end()) {
      html = std::string(file->second);
    }
    if (!html) {
      res.status = 503;
      res.set_content(from_folder ? fmt::format("The UI is not built: no {}. Run "
                                                "`npm ci && npm run build` in ui/, or give "
                                                "--ui-dir.",
                                                utf8_of(options_.ui_dir / "index.html"))
                                  : std::string("This lanspread was built without its web UI "
                                                "(there was no ui/dist). Run "
                                                "scripts/build-ui.sh and build it again, or give "
                                                "--ui-dir."),
                      "text/plain; charset=utf-8");
      return;
    }
    res.set_header("Content-Security-Policy", kContentSecurityPolicy);
    res.set_content(*html, "text/html; charset=utf-8");
  };
  server_->Get("/", index);
  server_->Get("/index.html", index);

  if (from_folder) {
    if (!server_->set_mount_point("/assets", utf8_of(options_.ui_dir / "assets")))
      spdlog::warn("the UI is not built: {} is missing", utf8_of(options_.ui_dir / "assets"));
    return;
  }
  if (!ui_files_.contains("index.html"))
    spdlog::warn("this program was built without its web UI; give --ui-dir");
  server_->Get(R"(/assets/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
    const auto file = ui_files_.find("assets/" + std::string(req.matches[1]));
    if (file == ui_files_.end()) {
      res.status = 404;
      return;
    }
    res.set_content(file->second.data(), file->second.size(), content_type(file->first));
  });
}

void HttpApi::add_event_stream() {
  server_->Get("/api/events", [this](const httplib::Request&, httplib::Response& res) {
    auto stream = controller_.subscribe();
    remember(stream);
    res.set_header("X-Accel-Buffering", "no");
    res.set_chunked_content_provider(
        "text/event-stream",
        [stream](std::size_t, httplib::DataSink& sink) {
          const auto message = stream->next(kKeepAlive);
          if (stream->closed()) {
            sink.done();
            return true;
          }
          const std::string chunk = message ? "data: " + *message + "\n\n" : ": keep-alive\n\n";
          return sink.write(chunk.data(), chunk.size());
        },
        [stream](bool) { stream->cancel(); });
  });
}

}  // namespace lanspread::app
