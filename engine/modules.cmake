# The engine's modules, lowest first, and what each may use. One module = one folder pair
# (include/foresight/<module>/ and src/<module>/) = one static library, foresight::<module>.
# A module may depend only on modules listed before it: the build gives each target the headers
# of what it links and nothing more, and tests/layering (cmake/CheckModuleLayers.cmake) checks
# every #include against this table. Read by engine/CMakeLists.txt and by that check alike.
#
# shadow sits below failover: it decides (which shadows to deploy, retire, swap onto) as pure
# functions of what the engine knows; the engine thread, which owns the agents' sockets, carries
# the decisions out (engine/src/failover/shadowflow.cpp).
#
# partitioning holds the staleness partitions (docs/partitions.md): usage profiles, clusters
# (k-means with k by silhouette, DBSCAN, stable identities), staleness-impact scores and the
# synchronization scheduler, as pure functions. It sits above replication so that its scheduler
# can be a replication::BatchPolicy, which the agent installs.
#
# mirror holds the client-side mirrors' bookkeeping (docs/mirrors.md): which copy is good, when
# to refresh it, what a change event invalidates. Pure, on an injected clock; the SDK does the
# reads and the benchmark replays traces through the same table. The console mirrors the hosts'
# inventories through it too (mirror/versionedcopy.h), hence failover above it.
set(FORESIGHT_ENGINE_MODULES
    core vocabulary instance state metrics detection protocol transport mirror sdk config storage prediction
    shadow replication partitioning agent monitor report failover control sim cluster training)

set(FORESIGHT_MODULE_core_DEPENDS)
set(FORESIGHT_MODULE_vocabulary_DEPENDS core)
set(FORESIGHT_MODULE_instance_DEPENDS vocabulary core)
set(FORESIGHT_MODULE_state_DEPENDS core)
set(FORESIGHT_MODULE_metrics_DEPENDS core)
set(FORESIGHT_MODULE_detection_DEPENDS core)
set(FORESIGHT_MODULE_protocol_DEPENDS state core)
set(FORESIGHT_MODULE_transport_DEPENDS protocol core)
set(FORESIGHT_MODULE_mirror_DEPENDS core)
set(FORESIGHT_MODULE_sdk_DEPENDS mirror transport protocol core)
set(FORESIGHT_MODULE_config_DEPENDS vocabulary transport core)
set(FORESIGHT_MODULE_storage_DEPENDS config state core)
set(FORESIGHT_MODULE_prediction_DEPENDS storage config metrics state core)
set(FORESIGHT_MODULE_shadow_DEPENDS config vocabulary core)
set(FORESIGHT_MODULE_replication_DEPENDS protocol state vocabulary core)
set(FORESIGHT_MODULE_partitioning_DEPENDS replication config vocabulary core)
set(FORESIGHT_MODULE_agent_DEPENDS
    partitioning replication prediction storage metrics transport protocol state instance vocabulary core)
set(FORESIGHT_MODULE_monitor_DEPENDS transport protocol core)
set(FORESIGHT_MODULE_report_DEPENDS storage core)
set(FORESIGHT_MODULE_failover_DEPENDS
    shadow monitor detection prediction storage config mirror metrics transport protocol vocabulary core)
set(FORESIGHT_MODULE_control_DEPENDS failover shadow report storage config transport vocabulary core)
set(FORESIGHT_MODULE_sim_DEPENDS storage core)
set(FORESIGHT_MODULE_cluster_DEPENDS control sim sdk config vocabulary core)
set(FORESIGHT_MODULE_training_DEPENDS cluster control failover sim core)
