#pragma once
// The workbench's page, built into the binary from sim/serve/page/ (embed_page.cmake): nothing is
// fetched from anywhere else.
namespace marketsim::serve::page {

extern const char* const index_html;
extern const char* const app_js;
extern const char* const style_css;

}  // namespace marketsim::serve::page
