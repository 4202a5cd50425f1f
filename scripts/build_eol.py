"""Build HT403's end-of-life table from a snapshot of endoflife.date's data.

    python scripts/build_eol.py [DATA_FILE] [--check]

DATA_FILE defaults to ``../shared/data/eol-docker.json`` (see that folder's README); the
table is written to ``tutor/analysis/data/eol.json`` with the snapshot's commit and date.
``--check`` writes nothing and exits 1 when the shipped table differs from what the data
file gives, so a hand edit of the table cannot go unnoticed.

endoflife.date maps many products to Docker images itself (``docker_images``); the
mappings below add the images it leaves out, each with the reason the image's tag names
the product's release. The few dates endoflife.date does not have are added with their
source, and everything the snapshot does not know stays "not known to be end-of-life".
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "eol-docker.json"
OUTPUT = REPO / "tutor" / "analysis" / "data" / "eol.json"

# Docker's first public release: a codename of a release that ended before it names no image,
# and old ones ("bo", "rex", "hamm") are too short and common to read as a release in a tag.
DOCKER_EPOCH = "2013-03-13"


@dataclass(frozen=True)
class Images:
    """Image names whose tags start with (or name) a release of one product."""

    product: str
    names: tuple[str, ...]
    # Why these images carry the product's release in their tag.
    source: str
    # The tag to suggest for the release supported longest ("{cycle}" is the release).
    pin: str | None = None


# Images endoflife.date does not map, or maps only under names FROM does not use.
MAPPINGS: tuple[Images, ...] = (
    Images("debian", ("debian",),
           "Docker Official Image; tags are Debian's version or codename "
           "(https://hub.docker.com/_/debian).", pin="{cycle}"),
    Images("ubuntu", ("ubuntu",),
           "Docker Official Image; tags are Ubuntu's version or codename "
           "(https://hub.docker.com/_/ubuntu).", pin="{cycle}"),
    Images("alpine-linux", ("alpine",),
           "Docker Official Image; tags are the Alpine release (https://hub.docker.com/_/alpine).",
           pin="{cycle}"),
    Images("centos", ("centos",),
           "Docker Official Image (deprecated); tags are the CentOS release, also spelled "
           "centos7 (https://hub.docker.com/_/centos).", pin="{cycle}"),
    Images("fedora", ("fedora",),
           "Docker Official Image; tags are the Fedora release (https://hub.docker.com/_/fedora).",
           pin="{cycle}"),
    Images("almalinux", ("almalinux",),
           "Docker Official Image; tags are the AlmaLinux release "
           "(https://hub.docker.com/_/almalinux)."),
    Images("rocky-linux", ("rockylinux", "rockylinux/rockylinux"),
           "Rocky Linux's images; tags are the Rocky release (https://hub.docker.com/_/rockylinux)."),
    Images("centos-stream", ("quay.io/centos/centos",),
           "CentOS Stream's images; tags are streamN (https://quay.io/repository/centos/centos)."),
    Images("opensuse", ("opensuse/leap",),
           "openSUSE Leap's images; tags are the Leap release (https://hub.docker.com/r/opensuse/leap)."),
    Images("php", ("php",),
           "Docker Official Image; tags start with the PHP branch (https://hub.docker.com/_/php).",
           pin="{cycle}"),
    Images("dotnet", ("mcr.microsoft.com/dotnet/sdk", "mcr.microsoft.com/dotnet/aspnet",
                      "mcr.microsoft.com/dotnet/runtime", "mcr.microsoft.com/dotnet/runtime-deps",
                      "mcr.microsoft.com/dotnet/core/sdk", "mcr.microsoft.com/dotnet/core/aspnet",
                      "mcr.microsoft.com/dotnet/core/runtime",
                      "mcr.microsoft.com/dotnet/core/runtime-deps",
                      "microsoft/dotnet", "microsoft/aspnetcore", "microsoft/aspnetcore-build"),
           "Microsoft's .NET images; tags start with the .NET version (the SDK's 8.0.100 is "
           ".NET 8); dotnet/core/* and the Docker Hub microsoft/* names are where .NET Core "
           "images were published before (https://github.com/dotnet/dotnet-docker). "
           "mcr.microsoft.com/dotnet/framework/* is .NET Framework, a Windows component with its "
           "own lifecycle, and is not mapped.", pin="{cycle}.0"),
    Images("windows-nano-server", ("mcr.microsoft.com/windows/nanoserver", "microsoft/nanoserver"),
           "Microsoft's Nano Server base image; tags are the Windows Server release (1803, "
           "ltsc2022) or its build (10.0.17763.x) "
           "(https://learn.microsoft.com/virtualization/windowscontainers/manage-containers/"
           "container-base-images)."),
    Images("windows-server-core", ("mcr.microsoft.com/windows/servercore",
                                   "microsoft/windowsservercore"),
           "Microsoft's Server Core base image; tags are the Windows Server release or build, "
           "as for Nano Server."),
    Images("eclipse-temurin", ("eclipse-temurin",),
           "Docker Official Image from Adoptium; tags start with the Java feature release "
           "(8u412, 21.0.3_9, 26) (https://hub.docker.com/_/eclipse-temurin).", pin="{cycle}"),
    Images("azul-zulu", ("azul/zulu-openjdk", "azul/zulu-openjdk-alpine",
                         "azul/zulu-openjdk-debian", "azul/zulu-openjdk-centos"),
           "Azul's images; tags start with the Java feature release "
           "(https://hub.docker.com/r/azul/zulu-openjdk)."),
    Images("microsoft-build-of-openjdk", ("mcr.microsoft.com/openjdk/jdk",),
           "Microsoft's OpenJDK images; tags start with the Java feature release "
           "(https://learn.microsoft.com/java/openjdk/containers)."),
    Images("nginx", ("nginx", "nginxinc/nginx-unprivileged"),
           "Docker Official Image, and NGINX's unprivileged build of it; tags start with the "
           "nginx branch (https://github.com/nginxinc/docker-nginx-unprivileged).", pin="{cycle}"),
    Images("apache-http-server", ("httpd",),
           "Docker Official Image; tags start with the httpd branch (https://hub.docker.com/_/httpd).",
           pin="{cycle}"),
    Images("tomcat", ("tomcat",),
           "Docker Official Image; tags start with the Tomcat branch "
           "(https://hub.docker.com/_/tomcat).", pin="{cycle}"),
    Images("haproxy", ("haproxy", "haproxytech/haproxy-alpine", "haproxytech/haproxy-debian"),
           "Docker Official Image and HAProxy Technologies' images; tags start with the "
           "HAProxy branch (https://hub.docker.com/_/haproxy).", pin="{cycle}"),
    Images("rabbitmq", ("rabbitmq",),
           "Docker Official Image; tags start with the RabbitMQ release "
           "(https://hub.docker.com/_/rabbitmq).", pin="{cycle}"),
    Images("mongodb", ("mongo", "mongodb/mongodb-community-server"),
           "Docker Official Image and MongoDB's own; tags start with the server release "
           "(https://hub.docker.com/_/mongo).", pin="{cycle}"),
    Images("elasticsearch", ("elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch"),
           "Docker Official Image and Elastic's registry; tags are the Elasticsearch version "
           "(https://www.docker.elastic.co/)."),
    Images("kibana", ("kibana", "docker.elastic.co/kibana/kibana"),
           "Docker Official Image and Elastic's registry; tags are the Kibana version."),
    Images("logstash", ("logstash", "docker.elastic.co/logstash/logstash"),
           "Docker Official Image and Elastic's registry; tags are the Logstash version."),
    Images("grafana", ("grafana/grafana", "grafana/grafana-oss", "grafana/grafana-enterprise"),
           "Grafana Labs' images; tags start with the Grafana version "
           "(https://hub.docker.com/r/grafana/grafana)."),
    Images("apache-kafka", ("apache/kafka", "bitnami/kafka"),
           "The Apache Kafka project's image and Bitnami's; tags start with the Kafka version "
           "(https://kafka.apache.org/documentation/#docker)."),
    Images("keycloak", ("quay.io/keycloak/keycloak", "jboss/keycloak"),
           "Keycloak's images; tags start with the Keycloak version "
           "(https://www.keycloak.org/server/containers)."),
    Images("gitlab", ("gitlab/gitlab-ce", "gitlab/gitlab-ee"),
           "GitLab's Omnibus images; tags start with the GitLab version "
           "(https://docs.gitlab.com/install/docker/)."),
    Images("neo4j", ("neo4j",),
           "Docker Official Image; tags start with the Neo4j version (https://hub.docker.com/_/neo4j)."),
    Images("solr", ("solr",),
           "Docker Official Image; tags start with the Solr version (https://hub.docker.com/_/solr)."),
    Images("nextcloud", ("nextcloud",),
           "Docker Official Image; tags start with the Nextcloud version "
           "(https://hub.docker.com/_/nextcloud)."),
    Images("influxdb", ("influxdb",),
           "Docker Official Image; tags start with the InfluxDB version "
           "(https://hub.docker.com/_/influxdb)."),
    Images("rust", ("rust",),
           "Docker Official Image; tags start with the Rust release (https://hub.docker.com/_/rust).",
           pin="{cycle}"),
    Images("erlang", ("erlang",),
           "Docker Official Image; tags start with the OTP release (https://hub.docker.com/_/erlang)."),
    Images("elixir", ("elixir",),
           "Docker Official Image; tags start with the Elixir release "
           "(https://hub.docker.com/_/elixir)."),
    Images("perl", ("perl",),
           "Docker Official Image; tags start with the Perl release (https://hub.docker.com/_/perl)."),
    Images("gradle", ("gradle",),
           "Docker Official Image; tags start with the Gradle release "
           "(https://hub.docker.com/_/gradle)."),
    Images("consul", ("hashicorp/consul",),
           "HashiCorp's image, successor of the deprecated library/consul; tags are the Consul "
           "version (https://hub.docker.com/r/hashicorp/consul)."),
    Images("nodejs", ("stefanscherer/node-windows",),
           "Node.js for Windows containers; each tag installs that Node.js version "
           "(ENV NODE_VERSION in https://github.com/StefanScherer/dockerfiles-windows/tree/main/node)."),
)

# Tags to suggest for images endoflife.date maps itself, where the tag is exactly the release.
PINS = {"python": "{cycle}", "node": "{cycle}", "golang": "{cycle}", "ruby": "{cycle}",
        "postgres": "{cycle}", "mysql": "{cycle}", "mariadb": "{cycle}", "redis": "{cycle}",
        "amazonlinux": "{cycle}"}

# Tag words that name a release without its number.
ALIASES: dict[str, dict[str, str]] = {
    # https://github.com/nodejs/Release/blob/main/CODENAMES.md (node:hydrogen, node:iron-alpine)
    "nodejs": {"argon": "4", "boron": "6", "carbon": "8", "dubnium": "10", "erbium": "12",
               "fermium": "14", "gallium": "16", "hydrogen": "18", "iron": "20", "jod": "22",
               "krypton": "24"},
    "centos": {"centos5": "5", "centos6": "6", "centos7": "7", "centos8": "8"},
    "centos-stream": {"stream8": "8", "stream9": "9", "stream10": "10"},
    # Microsoft's base-image lifecycle table lists Nano Server 1809 (build 17763) with the
    # Windows Server 2019 dates, mainstream to 2024-01-09 and extended to 2029-01-09: the
    # 1809 tag is the Windows Server 2019 image, not the Semi-Annual 1809 server release.
    # sac2016 was Nano Server's 2016 tag, release 1607.
    # (https://learn.microsoft.com/virtualization/windowscontainers/deploy-containers/base-image-lifecycle)
    "windows-nano-server": {"ltsc2019": "2019", "ltsc2022": "2022", "ltsc2025": "2025",
                            "1809": "2019", "sac2016": "1607"},
    "windows-server-core": {"ltsc2016": "2016", "ltsc2019": "2019", "ltsc2022": "2022",
                            "ltsc2025": "2025", "1809": "2019"},
}

# Products whose older release never outlives a newer one, so a release older than one
# that has ended has ended too, even where the data no longer lists it.
ORDERED = {
    "go": {"why": "Go supports each major release only until two newer ones are out",
           "source": "https://go.dev/doc/devel/release#policy"},
    "nginx": {"why": "nginx supports only its current mainline and stable branches",
              "source": "https://nginx.org/en/download.html"},
    "rust": {"why": "Rust supports only its latest stable release",
             "source": "https://forge.rust-lang.org/policies/security.html"},
}

# Which of a release's dates the table uses, where it is not endoflife.date's `eol`.
ENDS = {
    "debian": ("eoes", "Debian's official images are rebuilt through Debian LTS, so the date "
                       "used is the end of LTS (`eoes`); regular security support (`eol`) ends "
                       "about two years earlier."),
}

SERVER_CORE_2016 = {
    "cycle": "2016", "eol": "2027-01-12", "lts": True,
    "source": "Windows Server 2016 extended support ends 2027-01-12 "
              "(https://learn.microsoft.com/lifecycle/products/windows-server-2016)",
}
DISTROLESS_DEBIAN12 = {
    "eol": "2026-09-01",
    "source": "debian12 images scheduled for deprecation on 2026-09-01 "
              "(https://github.com/GoogleContainerTools/distroless/issues/2129)",
}

# Images whose publishers stopped updating them altogether, whatever the tag.
DEPRECATED = (
    {"names": ["openjdk"], "title": "the openjdk image", "since": "2022-07-31",
     "keep_tags": "(^|-)ea(-|$)",
     "why": "apart from early-access builds, its tags got their last update in July 2022",
     "source": "https://github.com/docker-library/openjdk/issues/505",
     "advice": "eclipse-temurin (or amazoncorretto, ibm-semeru-runtimes) with the same Java "
               "release, such as eclipse-temurin:8-jre for openjdk:8-jre"},
    {"names": ["java"], "title": "the java image", "since": "2016-12-31", "keep_tags": None,
     "why": "it was replaced by openjdk and got its last update on 2016-12-31",
     "source": "https://hub.docker.com/_/java",
     "advice": "eclipse-temurin with the same Java release"},
    {"names": ["adoptopenjdk"], "title": "the adoptopenjdk image", "since": "2021-08-01",
     "keep_tags": None,
     "why": "it was replaced by eclipse-temurin and got its last update on 2021-08-01",
     "source": "https://github.com/docker-library/docs/pull/2008",
     "advice": "eclipse-temurin with the same Java release"},
)

OS_PRODUCTS = ("debian", "ubuntu", "alpine-linux", "windows-nano-server")


@dataclass
class Table:
    """The table being built."""

    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    images: list[dict[str, Any]] = field(default_factory=list)


def _cycles(key: str, product: dict[str, Any]) -> list[dict[str, Any]]:
    """The releases the analyzer needs from one product, in the data's order."""
    ends = ENDS.get(key, ("eol", ""))[0]
    # "lts": false only where the product already had an LTS line when the release came
    # out, so MySQL 5.7 is not called a non-LTS release of a scheme that began with 8.0.
    lts_dates = [r["releaseDate"] for r in product["releases"]
                 if r.get("lts") and r.get("releaseDate")]
    cycles = []
    for release in product["releases"]:
        cycle: dict[str, Any] = {"cycle": release["releaseCycle"], "eol": release.get("eol")}
        if ends == "eoes":
            cycle["eoes"] = release.get("eoes", release.get("eol"))
        if release.get("lts"):
            cycle["lts"] = True
        elif any(d < release.get("releaseDate", "") for d in lts_dates):
            cycle["lts"] = False
        codename = release.get("codename")
        if key in ("debian", "ubuntu") and codename and _ended_after_epoch(cycle):
            cycle["codename"] = codename.split()[0].lower()
        cycles.append(cycle)
    return cycles


def _ended_after_epoch(cycle: dict[str, Any]) -> bool:
    """Whether the release was still supported when Docker appeared."""
    end = cycle.get("eoes", cycle["eol"])
    return not isinstance(end, str) or end >= DOCKER_EPOCH


def _windows_builds(product: dict[str, Any]) -> dict[str, str]:
    """Build numbers (10.0.17763) naming a Windows release; an LTSC release wins a shared build."""
    builds: dict[str, str] = {}
    for release in sorted(product["releases"], key=lambda r: bool(r.get("lts"))):
        latest = str(release.get("latest", ""))
        if re.fullmatch(r"10\.0\.\d+", latest):
            builds[latest] = release["releaseCycle"]
    return builds


def _product(key: str, product: dict[str, Any], cycles: list[dict[str, Any]]) -> dict[str, Any]:
    ends, ends_note = ENDS.get(key, ("eol", ""))
    return {
        "title": product["title"],
        "link": f"https://endoflife.date/{key}",
        "ends": ends,
        "ends_note": ends_note or None,
        "ordered": ORDERED.get(key),
        "aliases": ALIASES.get(key, {}),
        "cycles": cycles,
    }


def build(data: dict[str, Any]) -> dict[str, Any]:
    """The analyzer's table from the snapshot."""
    products = data["products"]
    table = Table()
    mapped = {m.product for m in MAPPINGS} | set(OS_PRODUCTS)
    for key in sorted(products):
        product = products[key]
        names = sorted(_hub_name(n) for n in product["docker_images"])
        if names:
            table.images.append({"names": names, "product": key,
                                 "source": "endoflife.date's docker_images for the product",
                                 "pin": next((PINS[n] for n in names if n in PINS), None)})
        if names or key in mapped:
            table.products[key] = _product(key, product, _cycles(key, product))
    nano = products["windows-nano-server"]
    builds = _windows_builds(nano)
    table.products["windows-nano-server"]["aliases"] = {
        **builds, **ALIASES["windows-nano-server"]}
    # Server Core follows the same Windows Server releases and dates as Nano Server, except
    # 2016: Nano Server 1607 was a short-lived release, Server Core 2016 is the LTSC one.
    core_cycles = [c for c in _cycles("windows-nano-server", nano) if c["cycle"] != "1607"]
    table.products["windows-server-core"] = {
        **_product("windows-nano-server", nano, [SERVER_CORE_2016, *core_cycles]),
        "title": "Windows Server Core",
        "link": "https://learn.microsoft.com/virtualization/windowscontainers/deploy-containers/"
                "base-image-lifecycle",
        "aliases": {**{b: c for b, c in builds.items() if c != "1607"}, "10.0.14393": "2016",
                    **ALIASES["windows-server-core"]},
    }
    table.products["distroless"] = _distroless(products["debian"])
    for mapping in MAPPINGS:
        table.images.append({"names": list(mapping.names), "product": mapping.product,
                             "source": mapping.source, "pin": mapping.pin})
    table.images.append({
        "names": ["gcr.io/distroless/*-debian{cycle}"], "product": "distroless",
        "source": "Google's distroless images name the Debian release they are built on",
        "pin": None})
    missing = {i["product"] for i in table.images} - set(table.products)
    if missing:
        raise SystemExit(f"mapped to products the data file does not have: {sorted(missing)}")
    return {
        "about": "End-of-life dates of the releases base images are built on, and which images "
                 "carry which product's release in their tag. Generated by "
                 "scripts/build_eol.py from a snapshot of endoflife.date's data; do not edit.",
        "source": {"name": "endoflife.date", "repository": data["source"],
                   "commit": data["commit"], "date": data["date"],
                   "licence": data.get("licence", "MIT")},
        "products": dict(sorted(table.products.items())),
        "images": table.images,
        "deprecated": list(DEPRECATED),
    }


def _distroless(debian: dict[str, Any]) -> dict[str, Any]:
    """Distroless follows Debian's regular security support, not LTS (its SUPPORT_POLICY.md)."""
    cycles = []
    for release in debian["releases"]:
        if not release["releaseCycle"].isdigit() or int(release["releaseCycle"]) < 9:
            continue  # distroless began on Debian 9
        cycle: dict[str, Any] = {"cycle": release["releaseCycle"], "eol": release.get("eol")}
        if release["releaseCycle"] == "12":
            cycle.update(DISTROLESS_DEBIAN12)
        cycles.append(cycle)
    return {
        "title": "Google distroless on Debian",
        "link": "https://github.com/GoogleContainerTools/distroless/blob/main/SUPPORT_POLICY.md",
        "ends": "eol",
        "ends_note": "Distroless tracks Debian's regular security support, not Debian LTS.",
        "ordered": None,
        "aliases": {},
        "cycles": cycles,
    }


def _hub_name(name: str) -> str:
    """``library/python`` as FROM writes it: ``python``."""
    return name.removeprefix("library/")


def render(table: dict[str, Any]) -> str:
    """JSON with one release per line, so a new snapshot gives a readable diff."""
    lines = ["{"]
    for index, (key, value) in enumerate(table.items()):
        comma = "," if index < len(table) - 1 else ""
        if key == "products":
            lines.append('  "products": {')
            for p_index, (name, product) in enumerate(value.items()):
                lines.append(f"    {json.dumps(name)}: {{")
                fields = [(k, v) for k, v in product.items() if k != "cycles"]
                for k, v in fields:
                    lines.append(f"      {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},")
                lines.append('      "cycles": [')
                cycles = product["cycles"]
                for c_index, cycle in enumerate(cycles):
                    end = "," if c_index < len(cycles) - 1 else ""
                    lines.append(f"        {json.dumps(cycle, ensure_ascii=False)}{end}")
                lines.append("      ]")
                lines.append("    }" + ("," if p_index < len(value) - 1 else ""))
            lines.append("  }" + comma)
        elif isinstance(value, list):
            lines.append(f"  {json.dumps(key)}: [")
            for i_index, item in enumerate(value):
                end = "," if i_index < len(value) - 1 else ""
                lines.append(f"    {json.dumps(item, ensure_ascii=False)}{end}")
            lines.append("  ]" + comma)
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the shipped table is not what the data file gives")
    args = parser.parse_args(argv)
    text = render(build(json.loads(args.data.read_text(encoding="utf-8"))))
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(REPO)} is not what {args.data} gives: "
                  f"run scripts/build_eol.py", file=sys.stderr)
            return 1
        return 0
    handle, temporary = tempfile.mkstemp(dir=OUTPUT.parent, prefix=".eol-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, OUTPUT)
    print(f"wrote {OUTPUT.relative_to(REPO)} from {args.data.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
