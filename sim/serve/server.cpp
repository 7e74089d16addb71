#include "server.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <thread>

#include <httplib.h>
#include <signal.h>

#include "marketsim/error.hpp"
#include "marketsim/html.hpp"
#include "marketsim/interrupt.hpp"
#include "page.hpp"

namespace marketsim::serve {
namespace {

using nlohmann::json;

/** Each client's newest request: a run checks whether a newer one from its client has come. */
class Clients {
public:
    using Generation = std::shared_ptr<std::atomic<std::uint64_t>>;

    /** The client's counter, advanced: a request holds it and the value it got. */
    std::pair<Generation, std::uint64_t> next(const std::string& client) {
        const std::lock_guard lock(mutex_);
        if (counters_.size() > 4096)  // forget clients with no request in flight
            std::erase_if(counters_, [](const auto& entry) { return entry.second.use_count() == 1; });
        Generation& g = counters_[client];
        if (!g) g = std::make_shared<std::atomic<std::uint64_t>>(0);
        return {g, ++*g};
    }

private:
    std::mutex mutex_;
    std::map<std::string, Generation> counters_;
};

void send(httplib::Response& res, const Reply& reply) {
    res.status = reply.status;
    res.set_content(reply.body.dump(), "application/json");
}

/** The request's body as JSON; a body that is not is answered 400. */
std::optional<json> body_of(const httplib::Request& req, httplib::Response& res) {
    try {
        return json::parse(req.body);
    } catch (const json::parse_error& e) {
        send(res, {400, {{"error", std::string("malformed JSON: ") + e.what()}}});
        return std::nullopt;
    }
}

const char* reason(int status) {
    switch (status) {
        case 404: return "no such page or endpoint";
        case 405: return "method not allowed";
        case 413: return "the request body is larger than 1 MiB";
        default: return "the request was refused";
    }
}

/** SIGINT and SIGTERM held back from this thread and every thread it starts (the server's and,
 *  through them, the runs'), until the end of the scope; `deliver()` lets them reach the calling
 *  thread. The watcher calls it, so a stop signal always reaches the one thread that waits for it,
 *  asleep, and no other thread's system call is interrupted. */
class StopSignals {
public:
    StopSignals() {
        sigemptyset(&stops_);
        sigaddset(&stops_, SIGINT);
        sigaddset(&stops_, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &stops_, &previous_);
    }
    ~StopSignals() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    void deliver() const { pthread_sigmask(SIG_UNBLOCK, &stops_, nullptr); }

private:
    sigset_t stops_{};
    sigset_t previous_{};
};

}  // namespace

void serve(const ServerOptions& options, std::ostream& out) {
    const StopSignals signals;  // before any thread starts
    const Workbench bench(options);
    httplib::Server server;
    server.set_payload_max_length(std::size_t{1} << 20);
    // SO_REUSEADDR only: a restart may take the port over from connections closing, but a second
    // server must not share a port already listened on (httplib's default adds SO_REUSEPORT)
    server.set_socket_options([](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    Clients clients;

    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(page::index_html, "text/html; charset=utf-8");
    });
    server.Get("/app.js", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(page::app_js, "text/javascript; charset=utf-8");
    });
    server.Get("/style.css", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(std::string(page::style_css) + chart_css(), "text/css; charset=utf-8");
    });
    server.Get("/api/scenarios", [&](const httplib::Request&, httplib::Response& res) { send(res, bench.scenarios()); });
    server.Get("/api/inputs", [&](const httplib::Request& req, httplib::Response& res) {
        if (!req.has_param("file")) return send(res, {400, {{"error", "give the scenario file: /api/inputs?file=F"}}});
        send(res, bench.inputs(req.get_param_value("file")));
    });
    server.Post("/api/run", [&](const httplib::Request& req, httplib::Response& res) {
        const std::optional<json> body = body_of(req, res);
        if (!body) return;
        // a newer request from the same client supersedes this one: its run stops
        std::string client;
        if (body->is_object() && body->contains("client") && body->at("client").is_string()) client = body->at("client");
        StopCheck stop = [] { return interrupt::received(); };
        if (!client.empty()) {
            auto [generation, mine] = clients.next(client);
            stop = [generation, mine] {
                if (const int signal = interrupt::received()) return signal;
                return generation->load() != mine ? kSuperseded : 0;
            };
        }
        send(res, bench.run(*body, stop));
    });
    server.Post("/api/save", [&](const httplib::Request& req, httplib::Response& res) {
        if (const std::optional<json> body = body_of(req, res)) send(res, bench.save(*body));
    });
    server.Post("/api/toml", [&](const httplib::Request& req, httplib::Response& res) {
        if (const std::optional<json> body = body_of(req, res)) send(res, bench.toml(*body));
    });
    // errors without a body of their own (an unknown path, a body too large) get a JSON message
    server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (res.body.empty()) res.set_content(json{{"error", reason(res.status)}}.dump(), "application/json");
    });
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr e) {
        std::string what = "internal error";
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            what += std::string(": ") + x.what();
        } catch (...) {
        }
        res.status = 500;
        res.set_content(json{{"error", what}}.dump(), "application/json");
    });

    int port = options.port;
    if (port == 0) {
        port = server.bind_to_any_port(options.host);
    } else if (!server.bind_to_port(options.host, port)) {
        port = -1;
    }
    if (port < 0)
        throw InputError("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                         " (in use, or not an address of this machine)");
    out << "serving " << options.dir.string() << " at http://" << options.host << ":" << port << "/" << std::endl;

    // the signal handlers only record a signal (interrupt.hpp): a watcher stops the server
    std::atomic<bool> done{false};
    std::thread watcher([&] {
        signals.deliver();
        while (!done) {
            if (interrupt::received()) server.stop();  // again until it takes: the server may not listen yet
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    server.listen_after_bind();
    done = true;
    watcher.join();
}

}  // namespace marketsim::serve
