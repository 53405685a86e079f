/*
 * rdkafka_check: does the installed librdkafka work against a given Kafka cluster?
 *
 * Runs, in order, every client call streamprobe relies on and prints one line per step:
 *   "OK   <step>: <details>"  or  "FAIL <step>: <error code name>: <error text>"
 * Steps: metadata (rd_kafka_metadata + rd_kafka_controllerid), create_topic
 * (rd_kafka_CreateTopics), produce (one message, delivery report), consume (consumer group,
 * subscribe, poll the message, rd_kafka_commit sync), list_groups
 * (rd_kafka_ListConsumerGroups), list_group_offsets (rd_kafka_ListConsumerGroupOffsets),
 * describe_groups (rd_kafka_DescribeConsumerGroups), describe_configs_broker and
 * describe_configs_topic (rd_kafka_DescribeConfigs).
 * librdkafka's own warnings and errors go to stderr (set RDKAFKA_CHECK_DEBUG=protocol to also
 * log the negotiated request versions).  Exit status: number of failed steps.
 *
 * Build:  cc -O1 -Wall -o build/rdkafka_check tests/harness/rdkafka_check.c -lrdkafka
 * Usage:  rdkafka_check <bootstrap servers> [topic] [group]
 */
#include <librdkafka/rdkafka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures = 0;
static rd_kafka_resp_err_t delivery_err = RD_KAFKA_RESP_ERR__IN_PROGRESS;

static void ok(const char *step, const char *fmt, const char *detail) {
    printf("OK   %s: ", step);
    printf(fmt, detail);
    printf("\n");
    fflush(stdout);
}

static void fail(const char *step, rd_kafka_resp_err_t err, const char *text) {
    printf("FAIL %s: %s: %s\n", step, rd_kafka_err2name(err), text ? text : rd_kafka_err2str(err));
    fflush(stdout);
    failures++;
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    (void)opaque;
    delivery_err = m->err;
}

static rd_kafka_t *new_client(rd_kafka_type_t type, const char *bootstrap, const char *group) {
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "client.id", "rdkafka_check", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "conf: %s\n", errstr);
        exit(100);
    }
    const char *debug = getenv("RDKAFKA_CHECK_DEBUG"); /* e.g. "protocol": negotiated versions */
    if (debug && *debug && rd_kafka_conf_set(conf, "debug", debug, errstr, sizeof errstr) != RD_KAFKA_CONF_OK)
        fprintf(stderr, "conf debug: %s\n", errstr);
    if (type == RD_KAFKA_PRODUCER)
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    if (group) {
        rd_kafka_conf_set(conf, "group.id", group, errstr, sizeof errstr);
        rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", errstr, sizeof errstr);
        rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr);
    }
    rd_kafka_t *rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "rd_kafka_new: %s\n", errstr);
        exit(100);
    }
    return rk;
}

/* Wait for the admin result event of one request; NULL (and a FAIL line) on timeout. */
static rd_kafka_event_t *admin_wait(rd_kafka_queue_t *q, const char *step) {
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 20000);
    if (!ev) {
        fail(step, RD_KAFKA_RESP_ERR__TIMED_OUT, "no result event within 20 s");
        return NULL;
    }
    if (rd_kafka_event_error(ev)) {
        fail(step, rd_kafka_event_error(ev), rd_kafka_event_error_string(ev));
        rd_kafka_event_destroy(ev);
        return NULL;
    }
    return ev;
}

static rd_kafka_AdminOptions_t *admin_options(rd_kafka_t *rk, rd_kafka_admin_op_t op) {
    char errstr[256];
    rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(rk, op);
    rd_kafka_AdminOptions_set_request_timeout(o, 15000, errstr, sizeof errstr);
    return o;
}

static void step_metadata(rd_kafka_t *rk, int32_t *first_broker) {
    const struct rd_kafka_metadata *md;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, NULL, &md, 10000);
    if (err) {
        fail("metadata", err, NULL);
        return;
    }
    char buf[512];
    int n = snprintf(buf, sizeof buf, "%d brokers [", md->broker_cnt);
    for (int i = 0; i < md->broker_cnt && n < (int)sizeof buf - 40; i++)
        n += snprintf(buf + n, sizeof buf - n, "%s%d@%s:%d", i ? " " : "", md->brokers[i].id,
                      md->brokers[i].host, md->brokers[i].port);
    snprintf(buf + n, sizeof buf - n, "], %d topics, controller %d", md->topic_cnt,
             (int)rd_kafka_controllerid(rk, 5000));
    if (md->broker_cnt > 0)
        *first_broker = md->brokers[0].id;
    rd_kafka_metadata_destroy(md);
    ok("metadata", "%s", buf);
}

static void step_create_topic(rd_kafka_t *rk, rd_kafka_queue_t *q, const char *topic) {
    char errstr[256];
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, 1, 1, errstr, sizeof errstr);
    rd_kafka_AdminOptions_t *o = admin_options(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_CreateTopics(rk, &nt, 1, o, q);
    rd_kafka_event_t *ev = admin_wait(q, "create_topic");
    if (ev) {
        size_t cnt;
        const rd_kafka_topic_result_t **r =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &cnt);
        rd_kafka_resp_err_t err = cnt ? rd_kafka_topic_result_error(r[0]) : RD_KAFKA_RESP_ERR__FAIL;
        if (err && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
            fail("create_topic", err, cnt ? rd_kafka_topic_result_error_string(r[0]) : "no result");
        else
            ok("create_topic", "%s", topic);
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_AdminOptions_destroy(o);
}

static void step_produce(const char *bootstrap, const char *topic) {
    rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, bootstrap, NULL);
    const char *value = "rdkafka_check message";
    rd_kafka_resp_err_t err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic),
                                                RD_KAFKA_V_VALUE((void *)value, strlen(value)),
                                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err) {
        fail("produce", err, NULL);
    } else {
        rd_kafka_flush(rk, 20000);
        if (delivery_err)
            fail("produce", delivery_err, NULL);
        else
            ok("produce", "1 message delivered to %s", topic);
    }
    rd_kafka_destroy(rk);
}

static void step_consume(const char *bootstrap, const char *topic, const char *group) {
    rd_kafka_t *rk = new_client(RD_KAFKA_CONSUMER, bootstrap, group);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *subs = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(subs, topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, subs);
    rd_kafka_topic_partition_list_destroy(subs);
    if (err) {
        fail("consume", err, "subscribe");
        rd_kafka_destroy(rk);
        return;
    }
    int got = 0;
    time_t deadline = time(NULL) + 40;
    while (!got && time(NULL) < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 1000);
        if (!m)
            continue;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR)
            got = 1;
        else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
            fprintf(stderr, "consume: %s\n", rd_kafka_message_errstr(m));
        rd_kafka_message_destroy(m);
    }
    if (!got) {
        fail("consume", RD_KAFKA_RESP_ERR__TIMED_OUT, "no message within 40 s");
    } else if ((err = rd_kafka_commit(rk, NULL, 0))) {
        fail("consume", err, "commit");
    } else {
        ok("consume", "1 message consumed and committed by group %s", group);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}

static void step_list_groups(rd_kafka_t *rk, rd_kafka_queue_t *q, const char *group) {
    rd_kafka_AdminOptions_t *o = admin_options(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS);
    rd_kafka_ListConsumerGroups(rk, o, q);
    rd_kafka_event_t *ev = admin_wait(q, "list_groups");
    if (ev) {
        const rd_kafka_ListConsumerGroups_result_t *r = rd_kafka_event_ListConsumerGroups_result(ev);
        size_t nv, ne;
        const rd_kafka_ConsumerGroupListing_t **v = rd_kafka_ListConsumerGroups_result_valid(r, &nv);
        const rd_kafka_error_t **e = rd_kafka_ListConsumerGroups_result_errors(r, &ne);
        int found = 0;
        char buf[256];
        for (size_t i = 0; i < nv; i++)
            if (!strcmp(rd_kafka_ConsumerGroupListing_group_id(v[i]), group)) {
                found = 1;
                snprintf(buf, sizeof buf, "%zu groups, %s state %s", nv, group,
                         rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupListing_state(v[i])));
            }
        if (ne)
            fail("list_groups", rd_kafka_error_code(e[0]), rd_kafka_error_string(e[0]));
        else if (!found)
            fail("list_groups", RD_KAFKA_RESP_ERR__NOENT, "group not listed");
        else
            ok("list_groups", "%s", buf);
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_AdminOptions_destroy(o);
}

static void step_list_group_offsets(rd_kafka_t *rk, rd_kafka_queue_t *q, const char *group) {
    rd_kafka_ListConsumerGroupOffsets_t *req = rd_kafka_ListConsumerGroupOffsets_new(group, NULL);
    rd_kafka_AdminOptions_t *o = admin_options(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
    rd_kafka_ListConsumerGroupOffsets(rk, &req, 1, o, q);
    rd_kafka_event_t *ev = admin_wait(q, "list_group_offsets");
    if (ev) {
        size_t n;
        const rd_kafka_group_result_t **g = rd_kafka_ListConsumerGroupOffsets_result_groups(
            rd_kafka_event_ListConsumerGroupOffsets_result(ev), &n);
        const rd_kafka_error_t *gerr = n ? rd_kafka_group_result_error(g[0]) : NULL;
        if (!n)
            fail("list_group_offsets", RD_KAFKA_RESP_ERR__FAIL, "no group result");
        else if (gerr)
            fail("list_group_offsets", rd_kafka_error_code(gerr), rd_kafka_error_string(gerr));
        else {
            const rd_kafka_topic_partition_list_t *p = rd_kafka_group_result_partitions(g[0]);
            char buf[256];
            snprintf(buf, sizeof buf, "%d partitions, first offset %lld", p ? p->cnt : 0,
                     p && p->cnt ? (long long)p->elems[0].offset : -1LL);
            if (p && p->cnt && p->elems[0].offset >= 1)
                ok("list_group_offsets", "%s", buf);
            else
                fail("list_group_offsets", RD_KAFKA_RESP_ERR__FAIL, "committed offset missing");
        }
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_ListConsumerGroupOffsets_destroy(req);
    rd_kafka_AdminOptions_destroy(o);
}

static void step_describe_groups(rd_kafka_t *rk, rd_kafka_queue_t *q, const char *group) {
    const char *groups[] = {group};
    rd_kafka_AdminOptions_t *o = admin_options(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
    rd_kafka_DescribeConsumerGroups(rk, groups, 1, o, q);
    rd_kafka_event_t *ev = admin_wait(q, "describe_groups");
    if (ev) {
        size_t n;
        const rd_kafka_ConsumerGroupDescription_t **d = rd_kafka_DescribeConsumerGroups_result_groups(
            rd_kafka_event_DescribeConsumerGroups_result(ev), &n);
        const rd_kafka_error_t *e = n ? rd_kafka_ConsumerGroupDescription_error(d[0]) : NULL;
        if (!n)
            fail("describe_groups", RD_KAFKA_RESP_ERR__FAIL, "no group result");
        else if (e)
            fail("describe_groups", rd_kafka_error_code(e), rd_kafka_error_string(e));
        else
            ok("describe_groups", "state %s",
               rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(d[0])));
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_AdminOptions_destroy(o);
}

static void step_describe_configs(rd_kafka_t *rk, rd_kafka_queue_t *q, const char *step,
                                  rd_kafka_ResourceType_t type, const char *name) {
    rd_kafka_ConfigResource_t *cr = rd_kafka_ConfigResource_new(type, name);
    rd_kafka_AdminOptions_t *o = admin_options(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    rd_kafka_DescribeConfigs(rk, &cr, 1, o, q);
    rd_kafka_event_t *ev = admin_wait(q, step);
    if (ev) {
        size_t n, cnt = 0;
        const rd_kafka_ConfigResource_t **rs =
            rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &n);
        if (!n)
            fail(step, RD_KAFKA_RESP_ERR__FAIL, "no resource result");
        else if (rd_kafka_ConfigResource_error(rs[0]))
            fail(step, rd_kafka_ConfigResource_error(rs[0]), rd_kafka_ConfigResource_error_string(rs[0]));
        else {
            rd_kafka_ConfigResource_configs(rs[0], &cnt);
            char buf[128];
            snprintf(buf, sizeof buf, "%s: %zu config entries", name, cnt);
            if (cnt > 0)
                ok(step, "%s", buf);
            else
                fail(step, RD_KAFKA_RESP_ERR__FAIL, "no config entries");
        }
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_ConfigResource_destroy(cr);
    rd_kafka_AdminOptions_destroy(o);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s <bootstrap servers> [topic] [group]\n", argv[0]);
        return 100;
    }
    const char *bootstrap = argv[1];
    char topic[128], group[128];
    snprintf(topic, sizeof topic, "%s", argc > 2 ? argv[2] : "rdkafka-check");
    snprintf(group, sizeof group, "%s", argc > 3 ? argv[3] : "rdkafka-check-group");
    printf("librdkafka %s, bootstrap %s, topic %s, group %s\n", rd_kafka_version_str(), bootstrap, topic,
           group);

    rd_kafka_t *admin = new_client(RD_KAFKA_PRODUCER, bootstrap, NULL);
    rd_kafka_queue_t *q = rd_kafka_queue_new(admin);
    int32_t first_broker = -1;
    char broker_name[16];

    step_metadata(admin, &first_broker);
    step_create_topic(admin, q, topic);
    step_produce(bootstrap, topic);
    step_consume(bootstrap, topic, group);
    step_list_groups(admin, q, group);
    step_list_group_offsets(admin, q, group);
    step_describe_groups(admin, q, group);
    snprintf(broker_name, sizeof broker_name, "%d", (int)first_broker);
    step_describe_configs(admin, q, "describe_configs_broker", RD_KAFKA_RESOURCE_BROKER, broker_name);
    step_describe_configs(admin, q, "describe_configs_topic", RD_KAFKA_RESOURCE_TOPIC, topic);

    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(admin);
    printf("%d step(s) failed\n", failures);
    return failures;
}
