# case: Jupyter images set ENV NB_UID=1000, so a USER ${NB_UID} after root steps is known
# profile: non-root
ARG BASE_IMAGE=quay.io/jupyter/minimal-notebook:2026-07-28
FROM $BASE_IMAGE
USER root
RUN apt-get update --yes && apt-get install --yes --no-install-recommends man-db && \
    rm -rf /var/lib/apt/lists/*
RUN mkdir -p "${CONDA_DIR}/etc/conda/activate.d/"
USER "${NB_UID}"
RUN mkdir -p "${CONDA_DIR}/share/extra"
