#pragma once

#include <string_view>
#include <vector>

namespace boxoffice::http {

// One file of web/ embedded in the binary at build time (cmake/EmbedWeb.cmake).
struct WebFile {
  std::string_view path;  // relative to web/, "/"-separated: "index.html", "assets/app.css"
  std::string_view body;
};

// Every file of web/ when the binary was built, sorted by path.
const std::vector<WebFile>& embedded_web_files();

}  // namespace boxoffice::http
