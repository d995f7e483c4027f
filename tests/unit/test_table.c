/*
 * test_table.c - unit tests for shared/table.c and its cell kinds.
 *
 * For every resource with printer columns, realistic objects and the exact
 * cells kube-apiserver v1.32 prints for them (pods in many states,
 * workloads, services of each type, nodes with roles, events old and new,
 * autoscalers of both versions, storage, RBAC, ...), computed at a fixed
 * "now". Then the JSON around the cells: column definitions, the row's
 * object for each includeObject, pod row conditions, and the Table's list
 * metadata. Last, properties over the whole registry: every cell kind a
 * column names exists, every resource has a case here, and an empty
 * object still yields one JSON scalar per column.
 *
 * Objects are written with ' for " to keep them readable; \\' is an
 * escaped quote inside a JSON string.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/registry.h"
#include "shared/table.h"
#include "shared/table_cells.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* 2024-12-11T10:00:00Z */
#define NOW 1733911200

#define C90S "'creationTimestamp':'2024-12-11T09:58:30Z'"
#define C5M  "'creationTimestamp':'2024-12-11T09:55:00Z'"
#define C3H  "'creationTimestamp':'2024-12-11T07:00:00Z'"
#define C2D  "'creationTimestamp':'2024-12-09T10:00:00Z'"

static json_t *json_quoted(const char *text)
{
	char *copy = strdup(text);
	json_error_t err;
	json_t *j;

	ck_assert(copy != NULL);
	for (char *p = copy; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(copy, JSON_DECODE_ANY, &err);
	ck_assert_msg(j != NULL, "bad test JSON %s: %s", copy, err.text);
	free(copy);
	return j;
}

static const struct resource_type *resource(const char *group, const char *version,
					    const char *plural)
{
	const struct resource_type *rt = registry_find(group, version, plural);

	ck_assert_msg(rt != NULL, "%s/%s/%s is not in the registry", group, version, plural);
	return rt;
}

/* The compact JSON text of a value, for exact comparisons. */
static char *dump(const json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

	ck_assert(text != NULL);
	return text;
}

static const struct row_case {
	const char *what;
	const char *group, *version, *resource;
	const char *object;
	const char *cells;
} row_cases[] = {
    /* --- pods --- */
    {"pod pending, unscheduled", "", "v1", "pods",
     "{'metadata':{'name':'pending'," C90S "},'spec':{'containers':[{'name':'app'}]},"
     "'status':{'phase':'Pending','conditions':[{'type':'PodScheduled','status':'False',"
     "'reason':'Unschedulable'}]}}",
     "['pending','0/1','Pending','0','90s','<none>','<none>','<none>','<none>']"},
    {"pod running", "", "v1", "pods",
     "{'metadata':{'name':'web-1'," C5M "},'spec':{'nodeName':'node-a','containers':"
     "[{'name':'app'},{'name':'log'}]},'status':{'phase':'Running','podIP':'10.244.1.5',"
     "'podIPs':[{'ip':'10.244.1.5'},{'ip':'fd00::5'}],'conditions':[{'type':'Ready',"
     "'status':'True'}],'containerStatuses':[{'name':'app','ready':true,'restartCount':0,"
     "'state':{'running':{'startedAt':'2024-12-11T09:55:10Z'}}},{'name':'log','ready':true,"
     "'restartCount':0,'state':{'running':{}}}]}}",
     "['web-1','2/2','Running','0','5m','10.244.1.5','node-a','<none>','<none>']"},
    {"pod in CrashLoopBackOff", "", "v1", "pods",
     "{'metadata':{'name':'crash'," C2D "},'spec':{'nodeName':'node-a','containers':"
     "[{'name':'app'}]},'status':{'phase':'Running','podIPs':[{'ip':'10.244.1.6'}],"
     "'containerStatuses':[{'name':'app','ready':false,'restartCount':4,'state':{'waiting':"
     "{'reason':'CrashLoopBackOff'}},'lastState':{'terminated':{'exitCode':1,'reason':"
     "'Error','finishedAt':'2024-12-11T09:58:00Z'}}}]}}",
     "['crash','0/1','CrashLoopBackOff','4 (2m ago)','2d','10.244.1.6','node-a','<none>',"
     "'<none>']"},
    {"pod completed", "", "v1", "pods",
     "{'metadata':{'name':'done'," C3H "},'spec':{'nodeName':'node-b','containers':"
     "[{'name':'job'}]},'status':{'phase':'Succeeded','containerStatuses':[{'name':'job',"
     "'ready':false,'restartCount':0,'state':{'terminated':{'exitCode':0,'reason':"
     "'Completed'}}}]}}",
     "['done','0/1','Completed','0','3h','<none>','node-b','<none>','<none>']"},
    {"pod with an init container running", "", "v1", "pods",
     "{'metadata':{'name':'init'," C90S "},'spec':{'initContainers':[{'name':'init-db'}],"
     "'containers':[{'name':'app'}]},'status':{'phase':'Pending','conditions':[{'type':"
     "'Initialized','status':'False'}],'initContainerStatuses':[{'name':'init-db','ready':"
     "false,'restartCount':0,'state':{'running':{}}}],'containerStatuses':[{'name':'app',"
     "'ready':false,'restartCount':0,'state':{'waiting':{'reason':'PodInitializing'}}}]}}",
     "['init','0/1','Init:0/1','0','90s','<none>','<none>','<none>','<none>']"},
    {"pod with a crashing init container", "", "v1", "pods",
     "{'metadata':{'name':'migrate'," C5M "},'spec':{'initContainers':[{'name':'wait'},"
     "{'name':'migrate'}],'containers':[{'name':'app'}]},'status':{'phase':'Pending',"
     "'initContainerStatuses':[{'name':'wait','restartCount':0,'state':{'terminated':"
     "{'exitCode':0,'reason':'Completed'}}},{'name':'migrate','restartCount':3,'state':"
     "{'waiting':{'reason':'CrashLoopBackOff'}},'lastState':{'terminated':{'exitCode':1,"
     "'finishedAt':'2024-12-11T09:59:00Z'}}}],'containerStatuses':[{'name':'app',"
     "'restartCount':7,'state':{'waiting':{'reason':'PodInitializing'}}}]}}",
     "['migrate','0/1','Init:CrashLoopBackOff','3 (60s ago)','5m','<none>','<none>','<none>',"
     "'<none>']"},
    {"pod whose init container failed", "", "v1", "pods",
     "{'metadata':{'name':'init-error'," C5M "},'spec':{'initContainers':[{'name':'a'}],"
     "'containers':[{'name':'app'}]},'status':{'phase':'Failed','initContainerStatuses':"
     "[{'name':'a','state':{'terminated':{'exitCode':2,'reason':'Error'}}}]}}",
     "['init-error','0/1','Init:Error','0','5m','<none>','<none>','<none>','<none>']"},
    {"pod whose init container exited without a reason", "", "v1", "pods",
     "{'metadata':{'name':'init-exit'," C5M "},'spec':{'initContainers':[{'name':'a'}],"
     "'containers':[{'name':'app'}]},'status':{'phase':'Pending','initContainerStatuses':"
     "[{'name':'a','state':{'terminated':{'exitCode':2}}}]}}",
     "['init-exit','0/1','Init:ExitCode:2','0','5m','<none>','<none>','<none>','<none>']"},
    {"pod whose init container was killed", "", "v1", "pods",
     "{'metadata':{'name':'init-kill'," C5M "},'spec':{'initContainers':[{'name':'a'}],"
     "'containers':[{'name':'app'}]},'status':{'phase':'Pending','initContainerStatuses':"
     "[{'name':'a','state':{'terminated':{'exitCode':137,'signal':9}}}]}}",
     "['init-kill','0/1','Init:Signal:9','0','5m','<none>','<none>','<none>','<none>']"},
    {"pod terminating", "", "v1", "pods",
     "{'metadata':{'name':'going'," C2D ",'deletionTimestamp':'2024-12-11T09:59:00Z'},"
     "'spec':{'containers':[{'name':'app'}]},'status':{'phase':'Running','containerStatuses':"
     "[{'name':'app','ready':true,'state':{'running':{}}}]}}",
     "['going','1/1','Terminating','0','2d','<none>','<none>','<none>','<none>']"},
    {"pod on a lost node", "", "v1", "pods",
     "{'metadata':{'name':'lost'," C2D ",'deletionTimestamp':'2024-12-11T09:59:00Z'},"
     "'spec':{'containers':[{'name':'app'}]},'status':{'phase':'Running','reason':"
     "'NodeLost'}}",
     "['lost','0/1','Unknown','0','2d','<none>','<none>','<none>','<none>']"},
    {"pod succeeded and being deleted stays Completed", "", "v1", "pods",
     "{'metadata':{'name':'gone'," C2D ",'deletionTimestamp':'2024-12-11T09:59:00Z'},"
     "'spec':{'containers':[{'name':'app'}]},'status':{'phase':'Succeeded',"
     "'containerStatuses':[{'name':'app','state':{'terminated':{'exitCode':0,'reason':"
     "'Completed'}}}]}}",
     "['gone','0/1','Completed','0','2d','<none>','<none>','<none>','<none>']"},
    {"pod with readiness gates and a nominated node", "", "v1", "pods",
     "{'metadata':{'name':'gated'," C5M "},'spec':{'containers':[{'name':'app'}],"
     "'readinessGates':[{'conditionType':'example.com/feature-1'},{'conditionType':"
     "'example.com/feature-2'}]},'status':{'phase':'Pending','nominatedNodeName':'node-c',"
     "'conditions':[{'type':'example.com/feature-1','status':'True'},{'type':"
     "'example.com/feature-2','status':'False'},{'type':'example.com/feature-2','status':"
     "'True'}]}}",
     "['gated','0/1','Pending','0','5m','<none>','<none>','node-c','1/2']"},
    {"pod with a sidecar", "", "v1", "pods",
     "{'metadata':{'name':'mesh'," C5M "},'spec':{'initContainers':[{'name':'proxy',"
     "'restartPolicy':'Always'},{'name':'setup'}],'containers':[{'name':'app'}]},"
     "'status':{'phase':'Running','conditions':[{'type':'Initialized','status':'True'},"
     "{'type':'Ready','status':'True'}],'initContainerStatuses':[{'name':'proxy','started':"
     "true,'ready':true,'restartCount':1,'state':{'running':{}},'lastState':{'terminated':"
     "{'exitCode':1,'finishedAt':'2024-12-11T09:50:00Z'}}},{'name':'setup','restartCount':5,"
     "'state':{'terminated':{'exitCode':0,'reason':'Completed'}}}],'containerStatuses':"
     "[{'name':'app','ready':true,'restartCount':2,'state':{'running':{}},'lastState':"
     "{'terminated':{'exitCode':1,'finishedAt':'2024-12-11T09:57:00Z'}}}]}}",
     "['mesh','2/2','Running','3 (3m ago)','5m','<none>','<none>','<none>','<none>']"},
    {"pod held by a scheduling gate", "", "v1", "pods",
     "{'metadata':{'name':'held'," C5M "},'spec':{'schedulingGates':[{'name':'x'}],"
     "'containers':[{'name':'app'}]},'status':{'phase':'Pending','conditions':[{'type':"
     "'PodScheduled','status':'False','reason':'SchedulingGated'}]}}",
     "['held','0/1','SchedulingGated','0','5m','<none>','<none>','<none>','<none>']"},
    {"pod completed with a container still running", "", "v1", "pods",
     "{'metadata':{'name':'half'," C5M "},'spec':{'containers':[{'name':'a'},{'name':'b'}]},"
     "'status':{'phase':'Running','conditions':[{'type':'Ready','status':'False'}],"
     "'containerStatuses':[{'name':'a','ready':true,'state':{'running':{}}},{'name':'b',"
     "'ready':false,'state':{'terminated':{'exitCode':0,'reason':'Completed'}}}]}}",
     "['half','1/2','NotReady','0','5m','<none>','<none>','<none>','<none>']"},
    {"pod completed with a container still running, ready", "", "v1", "pods",
     "{'metadata':{'name':'half-ready'," C5M "},'spec':{'containers':[{'name':'a'},"
     "{'name':'b'}]},'status':{'phase':'Running','conditions':[{'type':'Ready','status':"
     "'True'}],'containerStatuses':[{'name':'a','ready':true,'state':{'running':{}}},"
     "{'name':'b','ready':false,'state':{'terminated':{'exitCode':0,'reason':"
     "'Completed'}}}]}}",
     "['half-ready','1/2','Running','0','5m','<none>','<none>','<none>','<none>']"},
    {"pod containers killed and exited: the first container's state wins", "", "v1", "pods",
     "{'metadata':{'name':'killed'," C5M "},'spec':{'containers':[{'name':'a'},"
     "{'name':'b'}]},'status':{'phase':'Running','containerStatuses':[{'name':'a',"
     "'restartCount':1,'state':{'terminated':{'exitCode':137,'signal':9}}},{'name':'b',"
     "'restartCount':2,'state':{'terminated':{'exitCode':3}}}]}}",
     "['killed','0/2','Signal:9','3','5m','<none>','<none>','<none>','<none>']"},
    {"pod evicted", "", "v1", "pods",
     "{'metadata':{'name':'evicted'," C2D "},'spec':{'containers':[{'name':'app'}]},"
     "'status':{'phase':'Failed','reason':'Evicted','message':'low on memory'}}",
     "['evicted','0/1','Evicted','0','2d','<none>','<none>','<none>','<none>']"},
    {"pod without anything", "", "v1", "pods", "{}",
     "['','0/0','','0','<unknown>','<none>','<none>','<none>','<none>']"},

    /* --- workloads --- */
    {"deployment", "apps", "v1", "deployments",
     "{'metadata':{'name':'web'," C2D "},'spec':{'replicas':3,'selector':{'matchLabels':"
     "{'app':'web'}},'template':{'spec':{'containers':[{'name':'nginx','image':"
     "'nginx:1.27'},{'name':'log','image':'busybox'}]}}},'status':{'readyReplicas':2,"
     "'updatedReplicas':3,'availableReplicas':2}}",
     "['web','2/3',3,2,'2d','nginx,log','nginx:1.27,busybox','app=web']"},
    {"deployment with set-based selector, no status", "apps", "v1", "deployments",
     "{'metadata':{'name':'api'," C5M "},'spec':{'replicas':5,'selector':{'matchLabels':"
     "{'tier':'front','app':'web'},'matchExpressions':[{'key':'env','operator':'In',"
     "'values':['prod','dev']},{'key':'canary','operator':'DoesNotExist'},{'key':'zone',"
     "'operator':'Exists'},{'key':'app','operator':'NotIn','values':['old']}]},"
     "'template':{'spec':{'containers':[{'name':'api','image':'api:2'}]}}}}",
     "['api','0/5',0,0,'5m','api','api:2',"
     "'app=web,app notin (old),!canary,env in (dev,prod),tier=front,zone']"},
    {"deployment with an invalid selector", "apps", "v1", "deployments",
     "{'metadata':{'name':'bad'," C5M "},'spec':{'selector':{'matchExpressions':[{'key':"
     "'app','operator':'Matches','values':['x']}]}}}",
     "['bad','0/0',0,0,'5m','','','<invalid>']"},
    {"replica set", "apps", "v1", "replicasets",
     "{'metadata':{'name':'web-5d8f'," C2D "},'spec':{'replicas':3,'selector':"
     "{'matchLabels':{'app':'web','pod-template-hash':'5d8f'}},'template':{'spec':"
     "{'containers':[{'name':'nginx','image':'nginx:1.27'}]}}},'status':{'replicas':3,"
     "'readyReplicas':3}}",
     "['web-5d8f',3,3,3,'2d','nginx','nginx:1.27','app=web,pod-template-hash=5d8f']"},
    {"replica set scaled to zero", "apps", "v1", "replicasets",
     "{'metadata':{'name':'old'," C2D "},'spec':{'replicas':0,'template':{'spec':"
     "{'containers':[]}}},'status':{'replicas':0}}",
     "['old',0,0,0,'2d','','','<none>']"},
    {"daemon set", "apps", "v1", "daemonsets",
     "{'metadata':{'name':'fluentd'," C2D "},'spec':{'selector':{'matchLabels':{'name':"
     "'fluentd'}},'template':{'spec':{'nodeSelector':{'kubernetes.io/os':'linux'},"
     "'containers':[{'name':'fluentd','image':'fluentd:v1'}]}}},'status':"
     "{'desiredNumberScheduled':3,'currentNumberScheduled':3,'numberReady':2,"
     "'updatedNumberScheduled':3,'numberAvailable':2}}",
     "['fluentd',3,3,2,3,2,'kubernetes.io/os=linux','2d','fluentd','fluentd:v1',"
     "'name=fluentd']"},
    {"daemon set with an invalid selector key", "apps", "v1", "daemonsets",
     "{'metadata':{'name':'bad'," C5M "},'spec':{'selector':{'matchLabels':{'bad key':"
     "'x'}}}}",
     "['bad',0,0,0,0,0,'<none>','5m','','','<error>']"},
    {"stateful set", "apps", "v1", "statefulsets",
     "{'metadata':{'name':'db'," C5M "},'spec':{'replicas':3,'template':{'spec':"
     "{'containers':[{'name':'db','image':'postgres:17'}]}}},'status':{'readyReplicas':1}}",
     "['db','1/3','5m','db','postgres:17']"},
    {"controller revision of a stateful set", "apps", "v1", "controllerrevisions",
     "{'metadata':{'name':'web-7c9d'," C5M ",'ownerReferences':[{'apiVersion':'v1','kind':"
     "'Pod','name':'not-controller','uid':'a'},{'apiVersion':'apps/v1','kind':"
     "'StatefulSet','name':'web','uid':'b','controller':true}]},'revision':2}",
     "['web-7c9d','statefulset.apps/web',2,'5m']"},
    {"controller revision of a core kind", "apps", "v1", "controllerrevisions",
     "{'metadata':{'name':'rc-1'," C5M ",'ownerReferences':[{'apiVersion':'v1','kind':"
     "'ReplicationController','name':'rc','uid':'c','controller':true}]},'revision':7}",
     "['rc-1','replicationcontroller/rc',7,'5m']"},
    {"controller revision without controller", "apps", "v1", "controllerrevisions",
     "{'metadata':{'name':'orphan'," C5M ",'ownerReferences':[{'apiVersion':'apps/v1','kind':"
     "'DaemonSet','name':'ds','uid':'d','controller':false}]}}",
     "['orphan','<none>',0,'5m']"},
    {"replication controller", "", "v1", "replicationcontrollers",
     "{'metadata':{'name':'nginx'," C2D "},'spec':{'replicas':2,'selector':{'app':'nginx'},"
     "'template':{'spec':{'containers':[{'name':'nginx','image':'nginx'}]}}},'status':"
     "{'replicas':2,'readyReplicas':1}}",
     "['nginx',2,2,1,'2d','nginx','nginx','app=nginx']"},
    {"pod template", "", "v1", "podtemplates",
     "{'metadata':{'name':'tmpl'," C5M "},'template':{'metadata':{'labels':{'app':'web',"
     "'app.kubernetes.io/name':'web'}},'spec':{'containers':[{'name':'web','image':"
     "'nginx'},{'name':'side','image':'envoy'}]}}}",
     "['tmpl','web,side','nginx,envoy','app.kubernetes.io/name=web,app=web']"},
    {"job complete", "batch", "v1", "jobs",
     "{'metadata':{'name':'pi'," C5M "},'spec':{'completions':1,'parallelism':1,'selector':"
     "{'matchLabels':{'batch.kubernetes.io/controller-uid':'abc'}},'template':{'spec':"
     "{'containers':[{'name':'pi','image':'perl:5.34'}]}}},'status':{'succeeded':1,"
     "'startTime':'2024-12-11T09:50:00Z','completionTime':'2024-12-11T09:52:30Z',"
     "'conditions':[{'type':'SuccessCriteriaMet','status':'True'},{'type':'Complete',"
     "'status':'True'}]}}",
     "['pi','Complete','1/1','2m30s','5m','pi','perl:5.34',"
     "'batch.kubernetes.io/controller-uid=abc']"},
    {"job running in parallel", "batch", "v1", "jobs",
     "{'metadata':{'name':'work'," C5M "},'spec':{'parallelism':3},'status':{'startTime':"
     "'2024-12-11T09:57:00Z','active':3}}",
     "['work','Running','0/1 of 3','3m','5m','','','<none>']"},
    {"job failed, never started", "batch", "v1", "jobs",
     "{'metadata':{'name':'fail'," C3H "},'spec':{'parallelism':1},'status':{'conditions':"
     "[{'type':'Failed','status':'True'}]}}",
     "['fail','Failed','0/1','','3h','','','<none>']"},
    {"job suspended", "batch", "v1", "jobs",
     "{'metadata':{'name':'later'," C3H "},'spec':{'completions':5},'status':{'succeeded':2,"
     "'conditions':[{'type':'Suspended','status':'True'}]}}",
     "['later','Suspended','2/5','','3h','','','<none>']"},
    {"job terminating before its failure target", "batch", "v1", "jobs",
     "{'metadata':{'name':'end'," C3H ",'deletionTimestamp':'2024-12-11T09:00:00Z'},"
     "'status':{'conditions':[{'type':'FailureTarget','status':'True'}]}}",
     "['end','Terminating','0/1','','3h','','','<none>']"},
    {"job with a failure target", "batch", "v1", "jobs",
     "{'metadata':{'name':'target'," C3H "},'status':{'conditions':[{'type':'FailureTarget',"
     "'status':'True'}]}}",
     "['target','FailureTarget','0/1','','3h','','','<none>']"},
    {"job: the first condition of a type decides", "batch", "v1", "jobs",
     "{'metadata':{'name':'first'," C3H "},'status':{'conditions':[{'type':'Complete',"
     "'status':'False'},{'type':'Complete','status':'True'}]}}",
     "['first','Running','0/1','','3h','','','<none>']"},
    {"cron job", "batch", "v1", "cronjobs",
     "{'metadata':{'name':'hello'," C2D "},'spec':{'schedule':'*/5 * * * *','timeZone':"
     "'Etc/UTC','suspend':false,'jobTemplate':{'spec':{'template':{'spec':{'containers':"
     "[{'name':'hello','image':'busybox'}]}}}}},'status':{'active':[{'name':'hello-1'}],"
     "'lastScheduleTime':'2024-12-11T09:55:00Z'}}",
     "['hello','*/5 * * * *','Etc/UTC','False',1,'5m','2d','hello','busybox','<none>']"},
    {"cron job never scheduled", "batch", "v1", "cronjobs",
     "{'metadata':{'name':'idle'," C5M "},'spec':{'schedule':'@daily','suspend':true,"
     "'jobTemplate':{'spec':{'selector':{'matchLabels':{'job':'idle'}},'template':{'spec':"
     "{'containers':[{'name':'c','image':'i'}]}}}}}}",
     "['idle','@daily','<none>','True',0,'<none>','5m','c','i','job=idle']"},
    {"cron job without suspend", "batch", "v1", "cronjobs",
     "{'metadata':{'name':'plain'," C5M "},'spec':{'schedule':'0 * * * *'}}",
     "['plain','0 * * * *','<none>','<unset>',0,'<none>','5m','','','<none>']"},

    /* --- autoscaling --- */
    {"autoscaler v2 with resource metrics", "autoscaling", "v2", "horizontalpodautoscalers",
     "{'metadata':{'name':'web'," C5M "},'spec':{'scaleTargetRef':{'apiVersion':'apps/v1',"
     "'kind':'Deployment','name':'web'},'minReplicas':2,'maxReplicas':10,'metrics':"
     "[{'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization',"
     "'averageUtilization':60}}},{'type':'Resource','resource':{'name':'memory','target':"
     "{'type':'AverageValue','averageValue':'500Mi'}}}]},'status':{'currentReplicas':3,"
     "'desiredReplicas':3,'currentMetrics':[{'type':'Resource','resource':{'name':'cpu',"
     "'current':{'averageUtilization':45,'averageValue':'150m'}}},{'type':'Resource',"
     "'resource':{'name':'memory','current':{'averageValue':'300Mi'}}}]}}",
     "['web','Deployment/web','cpu: 45%/60%, memory: 300Mi/500Mi','2',10,3,'5m']"},
    {"autoscaler v2 with four metrics", "autoscaling", "v2", "horizontalpodautoscalers",
     "{'metadata':{'name':'queue'," C5M "},'spec':{'scaleTargetRef':{'kind':'Deployment',"
     "'name':'worker'},'maxReplicas':5,'metrics':[{'type':'Pods','pods':{'metric':{'name':"
     "'rps'},'target':{'type':'AverageValue','averageValue':'1k'}}},{'type':'Object',"
     "'object':{'describedObject':{'kind':'Service','name':'web'},'metric':{'name':'hits'},"
     "'target':{'type':'Value','value':'10k'}}},{'type':'External','external':{'metric':"
     "{'name':'queue'},'target':{'type':'AverageValue','averageValue':'30'}}},{'type':"
     "'ContainerResource','containerResource':{'name':'cpu','container':'app','target':"
     "{'type':'Utilization','averageUtilization':70}}}]},'status':{'currentMetrics':"
     "[{'type':'Pods','pods':{'metric':{'name':'rps'},'current':{'averageValue':'800'}}},"
     "{'type':'Object','object':{'metric':{'name':'hits'},'current':{'value':'12k'}}}]}}",
     "['queue','Deployment/worker','800/1k, 12k/10k + 2 more...','<unset>',5,0,'5m']"},
    {"autoscaler v2 with averaged and plain values", "autoscaling", "v2",
     "horizontalpodautoscalers",
     "{'metadata':{'name':'ext'," C5M "},'spec':{'scaleTargetRef':{'kind':'Deployment',"
     "'name':'w'},'minReplicas':1,'maxReplicas':4,'metrics':[{'type':'External','external':"
     "{'metric':{'name':'queue'},'target':{'type':'AverageValue','averageValue':'30'}}},"
     "{'type':'Object','object':{'describedObject':{'kind':'Service','name':'web'},"
     "'metric':{'name':'rps'},'target':{'type':'Value','value':'2k'}}}]},'status':"
     "{'currentReplicas':1,'currentMetrics':[{'type':'External','external':{'current':"
     "{'averageValue':'42'}}},{'type':'Object','object':{'current':{'value':'1500'}}}]}}",
     "['ext','Deployment/w','42/30 (avg), 1500/2k','1',4,1,'5m']"},
    {"autoscaler v2 before its first status", "autoscaling", "v2", "horizontalpodautoscalers",
     "{'metadata':{'name':'new'," C90S "},'spec':{'scaleTargetRef':{'kind':'StatefulSet',"
     "'name':'db'},'maxReplicas':3,'metrics':[{'type':'Resource','resource':{'name':'cpu',"
     "'target':{'type':'Utilization','averageUtilization':80}}},{'type':'Resource',"
     "'resource':{'name':'memory','target':{'type':'AverageValue','averageValue':"
     "'1Gi'}}}]}}",
     "['new','StatefulSet/db','cpu: <unknown>/80%, memory: <unknown>/1Gi','<unset>',3,0,"
     "'90s']"},
    {"autoscaler v2 with a status lacking the value shown", "autoscaling", "v2",
     "horizontalpodautoscalers",
     "{'metadata':{'name':'nil'," C5M "},'spec':{'scaleTargetRef':{'kind':'Deployment',"
     "'name':'w'},'maxReplicas':3,'metrics':[{'type':'Resource','resource':{'name':"
     "'memory','target':{'type':'AverageValue','averageValue':'1Gi'}}},{'type':'Resource',"
     "'resource':{'name':'cpu','target':{'type':'Utilization'}}}]},'status':{'currentMetrics':"
     "[{'type':'Resource','resource':{'name':'memory','current':{'averageUtilization':50}}},"
     "{'type':'Resource','resource':{'name':'cpu','current':{'averageValue':'1'}}}]}}",
     "['nil','Deployment/w','memory: <nil>/1Gi, cpu: <unknown>/<auto>','<unset>',3,0,'5m']"},
    {"autoscaler v2 without metrics", "autoscaling", "v2", "horizontalpodautoscalers",
     "{'metadata':{'name':'none'," C5M "},'spec':{'scaleTargetRef':{'kind':'Deployment',"
     "'name':'w'},'maxReplicas':3}}",
     "['none','Deployment/w','<none>','<unset>',3,0,'5m']"},
    {"autoscaler v1 with cpu target", "autoscaling", "v1", "horizontalpodautoscalers",
     "{'metadata':{'name':'php'," C5M "},'spec':{'scaleTargetRef':{'kind':'Deployment',"
     "'name':'php-apache'},'minReplicas':1,'maxReplicas':5,'targetCPUUtilizationPercentage':"
     "50},'status':{'currentReplicas':2,'desiredReplicas':2,"
     "'currentCPUUtilizationPercentage':30}}",
     "['php','Deployment/php-apache','cpu: 30%/50%','1',5,2,'5m']"},
    {"autoscaler v1 with null annotations", "autoscaling", "v1", "horizontalpodautoscalers",
     "{'metadata':{'name':'nul'," C5M ",'annotations':{"
     "'autoscaling.alpha.kubernetes.io/metrics':'null',"
     "'autoscaling.alpha.kubernetes.io/current-metrics':'null'}},'spec':{'scaleTargetRef':"
     "{'kind':'Deployment','name':'d'},'maxReplicas':3,'targetCPUUtilizationPercentage':60},"
     "'status':{'currentCPUUtilizationPercentage':10}}",
     "['nul','Deployment/d','cpu: <unknown>/60%','<unset>',3,0,'5m']"},
    {"autoscaler v1 defaults to 80% cpu", "autoscaling", "v1", "horizontalpodautoscalers",
     "{'metadata':{'name':'dflt'," C5M "},'spec':{'scaleTargetRef':{'kind':'Deployment',"
     "'name':'d'},'maxReplicas':3}}",
     "['dflt','Deployment/d','cpu: <unknown>/80%','<unset>',3,0,'5m']"},
    {"autoscaler v1 with metrics in annotations", "autoscaling", "v1", "horizontalpodautoscalers",
     "{'metadata':{'name':'ann'," C5M ",'annotations':{"
     "'autoscaling.alpha.kubernetes.io/metrics':'[{\\'type\\':\\'Resource\\',\\'resource\\':"
     "{\\'name\\':\\'memory\\',\\'targetAverageValue\\':\\'1Gi\\'}},{\\'type\\':\\'Pods\\',"
     "\\'pods\\':{\\'metricName\\':\\'rps\\'}}]',"
     "'autoscaling.alpha.kubernetes.io/current-metrics':'[{\\'type\\':\\'Resource\\',"
     "\\'resource\\':{\\'name\\':\\'memory\\',\\'currentAverageValue\\':\\'512Mi\\'}},"
     "{\\'type\\':\\'Pods\\',\\'pods\\':{\\'metricName\\':\\'rps\\',"
     "\\'currentAverageValue\\':\\'3\\'}}]'}},'spec':{'scaleTargetRef':{'kind':'Deployment',"
     "'name':'d'},'maxReplicas':8,'targetCPUUtilizationPercentage':70},'status':"
     "{'currentReplicas':4,'currentCPUUtilizationPercentage':20}}",
     "['ann','Deployment/d','memory: 512Mi/1Gi, 3/0 + 1 more...','<unset>',8,4,'5m']"},

    /* --- services, networking --- */
    {"service of type ClusterIP", "", "v1", "services",
     "{'metadata':{'name':'kube-dns'," C2D "},'spec':{'type':'ClusterIP','clusterIP':"
     "'10.96.0.10','clusterIPs':['10.96.0.10'],'ports':[{'name':'dns','port':53,"
     "'protocol':'UDP'},{'name':'dns-tcp','port':53,'protocol':'TCP'},{'name':'metrics',"
     "'port':9153,'protocol':'TCP'}],'selector':{'k8s-app':'kube-dns'}}}",
     "['kube-dns','ClusterIP','10.96.0.10','<none>','53/UDP,53/TCP,9153/TCP','2d',"
     "'k8s-app=kube-dns']"},
    {"service of type NodePort with external IPs", "", "v1", "services",
     "{'metadata':{'name':'np'," C5M "},'spec':{'type':'NodePort','clusterIPs':"
     "['10.96.1.1','fd00::1'],'externalIPs':['192.0.2.10','192.0.2.11'],'ports':[{'port':80,"
     "'nodePort':30080,'protocol':'TCP'}],'selector':{'app':'web','tier':'front'}}}",
     "['np','NodePort','10.96.1.1','192.0.2.10,192.0.2.11','80:30080/TCP','5m',"
     "'app=web,tier=front']"},
    {"service of type LoadBalancer, pending", "", "v1", "services",
     "{'metadata':{'name':'lb'," C90S "},'spec':{'type':'LoadBalancer','clusterIPs':"
     "['10.96.2.2'],'ports':[{'port':443,'nodePort':31443,'protocol':'TCP'}]},'status':"
     "{'loadBalancer':{}}}",
     "['lb','LoadBalancer','10.96.2.2','<pending>','443:31443/TCP','90s','<none>']"},
    {"service of type LoadBalancer, provisioned", "", "v1", "services",
     "{'metadata':{'name':'lb2'," C5M "},'spec':{'type':'LoadBalancer','clusterIPs':"
     "['10.96.2.3'],'externalIPs':['192.0.2.1'],'ports':[{'port':80,'nodePort':30001,"
     "'protocol':'TCP'},{'port':81,'protocol':'SCTP'}]},'status':{'loadBalancer':"
     "{'ingress':[{'ip':'203.0.113.7'},{'hostname':'lb.example.com'},{'ip':'203.0.113.7'},"
     "{}]}}}",
     "['lb2','LoadBalancer','10.96.2.3','203.0.113.7,lb.example.com,192.0.2.1',"
     "'80:30001/TCP,81/SCTP','5m','<none>']"},
    {"service of type LoadBalancer with ingress only", "", "v1", "services",
     "{'metadata':{'name':'lb3'," C5M "},'spec':{'type':'LoadBalancer','clusterIPs':"
     "['10.96.2.4'],'ports':[{'port':80,'nodePort':30002,'protocol':'TCP'}]},'status':"
     "{'loadBalancer':{'ingress':[{'hostname':'b.example.com'},{'hostname':"
     "'a.example.com'}]}}}",
     "['lb3','LoadBalancer','10.96.2.4','a.example.com,b.example.com','80:30002/TCP','5m',"
     "'<none>']"},
    {"service of type ExternalName", "", "v1", "services",
     "{'metadata':{'name':'db'," C5M "},'spec':{'type':'ExternalName','externalName':"
     "'db.example.com'}}",
     "['db','ExternalName','<none>','db.example.com','<none>','5m','<none>']"},
    {"headless service", "", "v1", "services",
     "{'metadata':{'name':'peers'," C5M "},'spec':{'type':'ClusterIP','clusterIP':'None',"
     "'clusterIPs':['None'],'ports':[{'port':5432,'protocol':'TCP'}],'selector':{'app':"
     "'db'}}}",
     "['peers','ClusterIP','None','<none>','5432/TCP','5m','app=db']"},
    {"service without a type", "", "v1", "services", "{'metadata':{'name':'odd'," C5M "}}",
     "['odd','','<none>','<unknown>','<none>','5m','<none>']"},
    {"ingress with many hosts and TLS", "networking.k8s.io", "v1", "ingresses",
     "{'metadata':{'name':'web'," C2D "},'spec':{'ingressClassName':'nginx','rules':"
     "[{'host':'a.example.com'},{'host':'b.example.com'},{'http':{}},{'host':"
     "'c.example.com'},{'host':'d.example.com'}],'tls':[{'hosts':['a.example.com']}]},"
     "'status':{'loadBalancer':{'ingress':[{'ip':'192.0.2.5'},{'hostname':"
     "'lb.example.net'}]}}}",
     "['web','nginx','a.example.com,b.example.com,c.example.com + 2 more...',"
     "'192.0.2.5,lb.example.net','80, 443','2d']"},
    {"ingress with three hosts exactly", "networking.k8s.io", "v1", "ingresses",
     "{'metadata':{'name':'three'," C5M "},'spec':{'rules':[{'host':'a'},{'host':'b'},"
     "{'host':'c'}]}}",
     "['three','<none>','a,b,c','','80','5m']"},
    {"ingress with a default backend only", "networking.k8s.io", "v1", "ingresses",
     "{'metadata':{'name':'default-backend'," C5M "},'spec':{'defaultBackend':{'service':"
     "{'name':'web','port':{'number':80}}}}}",
     "['default-backend','<none>','*','','80','5m']"},
    {"ingress class with parameters", "networking.k8s.io", "v1", "ingressclasses",
     "{'metadata':{'name':'external'," C2D "},'spec':{'controller':'k8s.io/ingress-nginx',"
     "'parameters':{'apiGroup':'k8s.example.com','kind':'IngressParameters','name':"
     "'external-lb'}}}",
     "['external','k8s.io/ingress-nginx','IngressParameters.k8s.example.com/external-lb',"
     "'2d']"},
    {"ingress class with core parameters", "networking.k8s.io", "v1", "ingressclasses",
     "{'metadata':{'name':'cm'," C2D "},'spec':{'controller':'example.com/c','parameters':"
     "{'kind':'ConfigMap','name':'conf','scope':'Namespace','namespace':'ingress'}}}",
     "['cm','example.com/c','ConfigMap/conf','2d']"},
    {"ingress class without parameters", "networking.k8s.io", "v1", "ingressclasses",
     "{'metadata':{'name':'nginx'," C2D "},'spec':{'controller':'k8s.io/ingress-nginx'}}",
     "['nginx','k8s.io/ingress-nginx','<none>','2d']"},
    {"network policy", "networking.k8s.io", "v1", "networkpolicies",
     "{'metadata':{'name':'db'," C5M "},'spec':{'podSelector':{'matchLabels':{'role':'db'}},"
     "'policyTypes':['Ingress']}}",
     "['db','role=db','5m']"},
    {"network policy for every pod", "networking.k8s.io", "v1", "networkpolicies",
     "{'metadata':{'name':'deny-all'," C5M "},'spec':{'podSelector':{}}}",
     "['deny-all','<none>','5m']"},
    {"endpoints with ports", "", "v1", "endpoints",
     "{'metadata':{'name':'web'," C5M "},'subsets':[{'addresses':[{'ip':'10.0.0.1'},{'ip':"
     "'10.0.0.2'}],'ports':[{'name':'http','port':80},{'name':'https','port':443}]}]}",
     "['web','10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...','5m']"},
    {"endpoints of a headless service without ports", "", "v1", "endpoints",
     "{'metadata':{'name':'peers'," C5M "},'subsets':[{'addresses':[{'ip':'10.0.0.3'}]},"
     "{'addresses':[{'ip':'fd00::1'}],'ports':[{'port':8080}]}]}",
     "['peers','10.0.0.3,[fd00::1]:8080','5m']"},
    {"endpoints with only not-ready addresses", "", "v1", "endpoints",
     "{'metadata':{'name':'starting'," C5M "},'subsets':[{'notReadyAddresses':[{'ip':"
     "'10.0.0.9'}],'ports':[{'port':80}]}]}",
     "['starting','','5m']"},
    {"endpoints without subsets", "", "v1", "endpoints", "{'metadata':{'name':'empty'," C5M "}}",
     "['empty','<none>','5m']"},
    {"endpoint slice", "discovery.k8s.io", "v1", "endpointslices",
     "{'metadata':{'name':'web-abc'," C5M "},'addressType':'IPv4','ports':[{'name':'http',"
     "'port':80,'protocol':'TCP'},{'name':'https','port':443},{'name':'metrics'},{}],"
     "'endpoints':[{'addresses':['10.0.0.1']},{'addresses':['10.0.0.2','10.0.0.3']},"
     "{'addresses':['10.0.0.4']}]}",
     "['web-abc','IPv4','80,443,metrics + 1 more...','10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...',"
     "'5m']"},
    {"endpoint slice with named, empty port", "discovery.k8s.io", "v1", "endpointslices",
     "{'metadata':{'name':'odd'," C5M "},'addressType':'FQDN','ports':[{'name':''}],"
     "'endpoints':[{'addresses':['a.example.com']}]}",
     "['odd','FQDN','<unset>','a.example.com','5m']"},
    {"endpoint slice with empty items", "discovery.k8s.io", "v1", "endpointslices",
     "{'metadata':{'name':'gap'," C5M "},'addressType':'IPv4','ports':[{'name':''},"
     "{'port':80}],'endpoints':[{'addresses':['','10.0.0.1']}]}",
     "['gap','IPv4',',80',',10.0.0.1','5m']"},
    {"empty endpoint slice", "discovery.k8s.io", "v1", "endpointslices",
     "{'metadata':{'name':'none'," C5M "},'addressType':'IPv6'}",
     "['none','IPv6','<unset>','<unset>','5m']"},

    /* --- nodes --- */
    {"control-plane node, cordoned", "", "v1", "nodes",
     "{'metadata':{'name':'cp-1'," C2D ",'labels':{'node-role.kubernetes.io/control-plane':"
     "'','node-role.kubernetes.io/etcd':'true','kubernetes.io/role':'master',"
     "'kubernetes.io/hostname':'cp-1','node-role.kubernetes.io/':'x'}},'spec':"
     "{'unschedulable':true},'status':{'conditions':[{'type':'MemoryPressure','status':"
     "'False'},{'type':'Ready','status':'True'}],'addresses':[{'type':'Hostname','address':"
     "'cp-1'},{'type':'InternalIP','address':'192.168.1.10'},{'type':'InternalIP',"
     "'address':'192.168.1.11'},{'type':'ExternalIP','address':'198.51.100.1'}],"
     "'nodeInfo':{'kubeletVersion':'v1.32.0','osImage':'Debian GNU/Linux 12 (bookworm)',"
     "'kernelVersion':'6.1.0-28-amd64','containerRuntimeVersion':'containerd://1.7.24'}}}",
     "['cp-1','Ready,SchedulingDisabled','control-plane,etcd,master','2d','v1.32.0',"
     "'192.168.1.10','198.51.100.1','Debian GNU/Linux 12 (bookworm)','6.1.0-28-amd64',"
     "'containerd://1.7.24']"},
    {"worker node not ready", "", "v1", "nodes",
     "{'metadata':{'name':'w-1'," C3H ",'labels':{'kubernetes.io/role':'','node-role."
     "kubernetes.io/worker':''}},'status':{'conditions':[{'type':'Ready','status':"
     "'False'}]}}",
     "['w-1','NotReady','worker','3h','','<none>','<none>','<unknown>','<unknown>',"
     "'<unknown>']"},
    {"node without conditions", "", "v1", "nodes", "{'metadata':{'name':'new'," C90S "}}",
     "['new','Unknown','<none>','90s','','<none>','<none>','<unknown>','<unknown>',"
     "'<unknown>']"},
    {"node with two Ready conditions: the last counts", "", "v1", "nodes",
     "{'metadata':{'name':'twice'," C90S "},'status':{'conditions':[{'type':'Ready',"
     "'status':'True'},{'type':'Ready','status':'Unknown'}]}}",
     "['twice','NotReady','<none>','90s','','<none>','<none>','<unknown>','<unknown>',"
     "'<unknown>']"},

    /* --- events --- */
    {"event, classic", "", "v1", "events",
     "{'metadata':{'name':'web-1.17f'," C5M "},'type':'Normal','reason':'Scheduled',"
     "'involvedObject':{'kind':'Pod','name':'web-1','fieldPath':'spec.containers{app}'},"
     "'source':{'component':'default-scheduler'},'message':' Successfully assigned "
     "default/web-1 to node-a\\n','firstTimestamp':'2024-12-11T09:50:00Z','lastTimestamp':"
     "'2024-12-11T09:58:00Z','count':3}",
     "['2m','Normal','Scheduled','pod/web-1','spec.containers{app}','default-scheduler',"
     "'Successfully assigned default/web-1 to node-a','10m',3,'web-1.17f']"},
    {"event with a series", "", "v1", "events",
     "{'metadata':{'name':'crash.1'," C5M "},'type':'Warning','reason':'BackOff',"
     "'involvedObject':{'kind':'Pod','name':'crash'},'reportingComponent':'kubelet',"
     "'reportingInstance':'node-a','source':{},'message':'Back-off restarting failed "
     "container','eventTime':'2024-12-11T09:30:00.123456Z','series':{'count':12,"
     "'lastObservedTime':'2024-12-11T09:59:30.000000Z'},'firstTimestamp':null,"
     "'lastTimestamp':null,'count':0}",
     "['30s','Warning','BackOff','pod/crash','','kubelet, node-a',"
     "'Back-off restarting failed container','29m',12,'crash.1']"},
    {"event from a host", "", "v1", "events",
     "{'metadata':{'name':'n.1'},'type':'Normal','reason':'Starting','involvedObject':"
     "{'kind':'Node','name':'node-a'},'source':{'component':'kubelet','host':'node-a'},"
     "'message':'Starting kubelet.','firstTimestamp':'2024-12-11T07:00:00Z',"
     "'lastTimestamp':'2024-12-11T07:00:00Z','count':1}",
     "['3h','Normal','Starting','node/node-a','','kubelet, node-a','Starting kubelet.','3h',1,"
     "'n.1']"},
    {"event without times", "", "v1", "events", "{'involvedObject':{'kind':'Node'}}",
     "['<unknown>','','','node','','','','<unknown>',1,'']"},
    {"event of events.k8s.io", "events.k8s.io", "v1", "events",
     "{'metadata':{'name':'e1'," C5M "},'type':'Normal','reason':'Pulled','regarding':"
     "{'kind':'Pod','name':'web-1','fieldPath':'spec.containers{app}'},'note':'Container "
     "image pulled ','reportingController':'kubelet','reportingInstance':'node-b',"
     "'eventTime':'2024-12-11T09:40:00.000000Z','deprecatedFirstTimestamp':"
     "'2024-12-11T09:45:00Z','deprecatedLastTimestamp':'2024-12-11T09:56:00Z',"
     "'deprecatedCount':2,'deprecatedSource':{'component':'kubelet-old','host':''}}",
     "['4m','Normal','Pulled','pod/web-1','spec.containers{app}','kubelet-old, node-b',"
     "'Container image pulled','15m',2,'e1']"},
    {"event of events.k8s.io with a series", "events.k8s.io", "v1", "events",
     "{'metadata':{'name':'e2'," C5M "},'type':'Warning','reason':'Unhealthy','regarding':"
     "{'kind':'Pod','name':'db-0'},'note':'Readiness probe failed','reportingController':"
     "'kubelet','reportingInstance':'node-c','eventTime':'2024-12-11T08:00:00.000000Z',"
     "'series':{'count':40,'lastObservedTime':'2024-12-11T09:59:59.500000Z'}}",
     "['0s','Warning','Unhealthy','pod/db-0','','kubelet, node-c','Readiness probe failed',"
     "'120m',40,'e2']"},

    /* --- core, misc --- */
    {"namespace", "", "v1", "namespaces",
     "{'metadata':{'name':'default'," C2D "},'status':{'phase':'Active'}}",
     "['default','Active','2d']"},
    {"namespace terminating", "", "v1", "namespaces",
     "{'metadata':{'name':'old'," C2D ",'deletionTimestamp':'2024-12-11T09:00:00Z'},"
     "'status':{'phase':'Terminating'}}",
     "['old','Terminating','2d']"},
    {"config map", "", "v1", "configmaps",
     "{'metadata':{'name':'conf'," C5M "},'data':{'a':'1','b':'2'},'binaryData':{'c':"
     "'AA=='}}",
     "['conf',3,'5m']"},
    {"empty config map", "", "v1", "configmaps", "{'metadata':{'name':'e'," C5M "}}",
     "['e',0,'5m']"},
    {"secret", "", "v1", "secrets",
     "{'metadata':{'name':'tls'," C5M "},'type':'kubernetes.io/tls','data':{'tls.crt':'AA==',"
     "'tls.key':'AA=='}}",
     "['tls','kubernetes.io/tls',2,'5m']"},
    {"service account", "", "v1", "serviceaccounts",
     "{'metadata':{'name':'default'," C2D "},'secrets':[{'name':'default-token'}]}",
     "['default',1,'2d']"},
    {"service account without secrets", "", "v1", "serviceaccounts",
     "{'metadata':{'name':'ci'," C2D "}}", "['ci',0,'2d']"},
    {"limit range", "", "v1", "limitranges",
     "{'metadata':{'name':'limits','creationTimestamp':'2024-12-11T11:55:00+02:00'}}",
     "['limits','2024-12-11T09:55:00Z']"},
    {"limit range without creation time", "", "v1", "limitranges", "{'metadata':{'name':'limits'}}",
     "['limits','0001-01-01T00:00:00Z']"},
    {"component status healthy", "", "v1", "componentstatuses",
     "{'metadata':{'name':'etcd-0'},'conditions':[{'type':'Healthy','status':'True',"
     "'message':'ok'}]}",
     "['etcd-0','Healthy','ok','']"},
    {"component status unhealthy", "", "v1", "componentstatuses",
     "{'metadata':{'name':'scheduler'},'conditions':[{'type':'Other','status':'True'},"
     "{'type':'Healthy','status':'False','message':'','error':'connection refused'}]}",
     "['scheduler','Unhealthy','','connection refused']"},
    {"component status unknown", "", "v1", "componentstatuses", "{'metadata':{'name':'x'}}",
     "['x','Unknown','','']"},
    {"resource quota", "", "v1", "resourcequotas",
     "{'metadata':{'name':'compute'," C2D "},'status':{'hard':{'requests.cpu':'2',"
     "'requests.memory':'4Gi','limits.cpu':'4','limits.memory':'8Gi','pods':'10',"
     "'limitsx.foo':'1'},'used':{'requests.cpu':'500m','requests.memory':'1024Mi',"
     "'limits.cpu':'1','pods':'3'}}}",
     "['compute','2d','limitsx.foo: 0/1, pods: 3/10, requests.cpu: 500m/2, "
     "requests.memory: 1Gi/4Gi','limits.cpu: 1/4, limits.memory: 0/8Gi']"},
    {"resource quota without status", "", "v1", "resourcequotas",
     "{'metadata':{'name':'new'," C5M "},'spec':{'hard':{'pods':'10'}}}", "['new','5m','','']"},

    /* --- storage --- */
    {"persistent volume", "", "v1", "persistentvolumes",
     "{'metadata':{'name':'pv-1'," C2D "},'spec':{'capacity':{'storage':'10240Mi'},"
     "'accessModes':['ReadWriteMany','ReadWriteOnce','ReadWriteOnce','ReadOnlyMany'],"
     "'persistentVolumeReclaimPolicy':'Retain','claimRef':{'kind':'PersistentVolumeClaim',"
     "'namespace':'default','name':'data'},'storageClassName':'fast','volumeMode':"
     "'Filesystem'},'status':{'phase':'Bound'}}",
     "['pv-1','10Gi','RWO,ROX,RWX','Retain','Bound','default/data','fast','<unset>','','2d',"
     "'Filesystem']"},
    {"persistent volume released, beta class, terminating", "", "v1", "persistentvolumes",
     "{'metadata':{'name':'pv-2'," C2D ",'deletionTimestamp':'2024-12-11T09:00:00Z',"
     "'annotations':{'volume.beta.kubernetes.io/storage-class':'legacy'}},'spec':"
     "{'capacity':{'storage':'1.5Gi'},'accessModes':['ReadWriteOncePod'],"
     "'persistentVolumeReclaimPolicy':'Delete','storageClassName':'fast',"
     "'volumeAttributesClassName':'gold'},'status':{'phase':'Failed','reason':"
     "'VolumeFailedDelete'}}",
     "['pv-2','1536Mi','RWOP','Delete','Terminating','','legacy','gold',"
     "'VolumeFailedDelete','2d','<unset>']"},
    {"persistent volume without capacity", "", "v1", "persistentvolumes",
     "{'metadata':{'name':'pv-3'," C2D ",'annotations':{'volume.beta.kubernetes.io/"
     "storage-class':''}},'spec':{'storageClassName':'fast'}}",
     "['pv-3','0','','','','','','<unset>','','2d','<unset>']"},
    {"persistent volume claim bound", "", "v1", "persistentvolumeclaims",
     "{'metadata':{'name':'data'," C5M "},'spec':{'volumeName':'pv-1','storageClassName':"
     "'fast','volumeAttributesClassName':'gold','volumeMode':'Block','resources':"
     "{'requests':{'storage':'5Gi'}}},'status':{'phase':'Bound','capacity':{'storage':"
     "'10Gi'},'accessModes':['ReadWriteOnce']}}",
     "['data','Bound','pv-1','10Gi','RWO','fast','gold','5m','Block']"},
    {"persistent volume claim pending", "", "v1", "persistentvolumeclaims",
     "{'metadata':{'name':'claim'," C5M "},'spec':{'storageClassName':'fast','resources':"
     "{'requests':{'storage':'5Gi'}}},'status':{'phase':'Pending'}}",
     "['claim','Pending','','','','fast','<unset>','5m','<unset>']"},
    {"persistent volume claim terminating, beta class", "", "v1", "persistentvolumeclaims",
     "{'metadata':{'name':'old'," C2D ",'deletionTimestamp':'2024-12-11T09:00:00Z',"
     "'annotations':{'volume.beta.kubernetes.io/storage-class':'slow'}},'spec':"
     "{'volumeName':'pv-9','storageClassName':'fast'},'status':{'phase':'Bound'}}",
     "['old','Terminating','pv-9','0','','slow','<unset>','2d','<unset>']"},
    {"storage class, default", "storage.k8s.io", "v1", "storageclasses",
     "{'metadata':{'name':'standard'," C2D ",'annotations':{"
     "'storageclass.kubernetes.io/is-default-class':'true'}},'provisioner':"
     "'rancher.io/local-path','reclaimPolicy':'Delete','volumeBindingMode':"
     "'WaitForFirstConsumer'}",
     "['standard (default)','rancher.io/local-path','Delete','WaitForFirstConsumer',false,"
     "'2d']"},
    {"storage class, default by the beta annotation", "storage.k8s.io", "v1", "storageclasses",
     "{'metadata':{'name':'old'," C2D ",'annotations':{"
     "'storageclass.kubernetes.io/is-default-class':'True',"
     "'storageclass.beta.kubernetes.io/is-default-class':'true'}},'provisioner':'x',"
     "'reclaimPolicy':'Retain','allowVolumeExpansion':true}",
     "['old (default)','x','Retain','Immediate',true,'2d']"},
    {"storage class, defaults", "storage.k8s.io", "v1", "storageclasses",
     "{'metadata':{'name':'fast'," C5M ",'annotations':{"
     "'storageclass.kubernetes.io/is-default-class':'True'}},'provisioner':"
     "'ebs.csi.aws.com'}",
     "['fast','ebs.csi.aws.com','Delete','Immediate',false,'5m']"},
    {"CSI driver", "storage.k8s.io", "v1", "csidrivers",
     "{'metadata':{'name':'csi.example.com'," C2D "},'spec':{'attachRequired':false,"
     "'podInfoOnMount':true,'volumeLifecycleModes':['Persistent','Ephemeral'],"
     "'tokenRequests':[{'audience':'vault'},{'audience':'gcp','expirationSeconds':3600}],"
     "'requiresRepublish':true}}",
     "['csi.example.com',false,true,false,'vault,gcp',true,'Persistent,Ephemeral','2d']"},
    {"CSI driver, defaults", "storage.k8s.io", "v1", "csidrivers",
     "{'metadata':{'name':'x'," C2D "},'spec':{'storageCapacity':true}}",
     "['x',true,false,true,'<unset>',false,'<none>','2d']"},
    {"CSI driver, empty token requests", "storage.k8s.io", "v1", "csidrivers",
     "{'metadata':{'name':'y'," C2D "},'spec':{'tokenRequests':[]}}",
     "['y',true,false,false,'',false,'<none>','2d']"},
    {"CSI node", "storage.k8s.io", "v1", "csinodes",
     "{'metadata':{'name':'node-a'," C2D "},'spec':{'drivers':[{'name':'a','nodeID':'1'},"
     "{'name':'b','nodeID':'1'}]}}",
     "['node-a',2,'2d']"},
    {"CSI storage capacity", "storage.k8s.io", "v1", "csistoragecapacities",
     "{'metadata':{'name':'csisc-1'},'storageClassName':'fast','capacity':'102400Mi'}",
     "['csisc-1','fast','100Gi']"},
    {"CSI storage capacity unknown", "storage.k8s.io", "v1", "csistoragecapacities",
     "{'metadata':{'name':'csisc-2'},'storageClassName':'fast'}", "['csisc-2','fast','<unset>']"},
    {"volume attachment", "storage.k8s.io", "v1", "volumeattachments",
     "{'metadata':{'name':'csi-123'," C5M "},'spec':{'attacher':'csi.example.com','source':"
     "{'persistentVolumeName':'pv-1'},'nodeName':'node-a'},'status':{'attached':true}}",
     "['csi-123','csi.example.com','pv-1','node-a',true,'5m']"},
    {"volume attachment inline, not attached", "storage.k8s.io", "v1", "volumeattachments",
     "{'metadata':{'name':'csi-456'," C5M "},'spec':{'attacher':'csi.example.com','source':"
     "{'inlineVolumeSpec':{}},'nodeName':'node-b'}}",
     "['csi-456','csi.example.com','','node-b',false,'5m']"},

    /* --- rbac, certificates, admission, flow control, the rest --- */
    {"role binding", "rbac.authorization.k8s.io", "v1", "rolebindings",
     "{'metadata':{'name':'view-binding'," C5M "},'roleRef':{'apiGroup':"
     "'rbac.authorization.k8s.io','kind':'ClusterRole','name':'view'},'subjects':[{'kind':"
     "'User','name':'alice'},{'kind':'Group','name':'devs'},{'kind':'ServiceAccount','name':"
     "'ci','namespace':'build'},{'kind':'User','name':'bob'},{'kind':'ServiceAccount',"
     "'name':'default','namespace':'default'}]}",
     "['view-binding','ClusterRole/view','5m','alice, bob','devs','build/ci, default/default']"},
    {"role binding with a nameless user", "rbac.authorization.k8s.io", "v1", "rolebindings",
     "{'metadata':{'name':'odd'," C5M "},'roleRef':{'kind':'Role','name':'r'},'subjects':"
     "[{'kind':'User','name':''},{'kind':'User','name':'bob'},{'kind':'Other','name':'x'}]}",
     "['odd','Role/r','5m',', bob','','']"},
    {"cluster role binding without subjects", "rbac.authorization.k8s.io", "v1",
     "clusterrolebindings",
     "{'metadata':{'name':'empty'," C2D "},'roleRef':{'kind':'ClusterRole','name':"
     "'cluster-admin'}}",
     "['empty','ClusterRole/cluster-admin','2d','','','']"},
    {"cluster role binding for groups", "rbac.authorization.k8s.io", "v1", "clusterrolebindings",
     "{'metadata':{'name':'masters'," C2D "},'roleRef':{'kind':'ClusterRole','name':"
     "'cluster-admin'},'subjects':[{'kind':'Group','name':'system:masters','apiGroup':"
     "'rbac.authorization.k8s.io'},{'kind':'Group','name':'admins'}]}",
     "['masters','ClusterRole/cluster-admin','2d','','system:masters, admins','']"},
    {"role", "rbac.authorization.k8s.io", "v1", "roles",
     "{'metadata':{'name':'reader'," C5M "},'rules':[]}", "['reader','2024-12-11T09:55:00Z']"},
    {"cluster role", "rbac.authorization.k8s.io", "v1", "clusterroles",
     "{'metadata':{'name':'view','creationTimestamp':'2024-12-09T10:00:00.75Z'}}",
     "['view','2024-12-09T10:00:00Z']"},
    {"custom resource definition", "apiextensions.k8s.io", "v1", "customresourcedefinitions",
     "{'metadata':{'name':'crontabs.stable.example.com'," C2D "}}",
     "['crontabs.stable.example.com','2024-12-09T10:00:00Z']"},
    {"certificate signing request approved", "certificates.k8s.io", "v1",
     "certificatesigningrequests",
     "{'metadata':{'name':'csr-1'," C5M "},'spec':{'signerName':"
     "'kubernetes.io/kube-apiserver-client','username':'alice','expirationSeconds':86400},"
     "'status':{'conditions':[{'type':'Approved','status':'True'}],'certificate':'LS0t'}}",
     "['csr-1','5m','kubernetes.io/kube-apiserver-client','alice','24h','Approved,Issued']"},
    {"certificate signing request pending", "certificates.k8s.io", "v1",
     "certificatesigningrequests",
     "{'metadata':{'name':'csr-2'," C90S "},'spec':{'username':'bob'}}",
     "['csr-2','90s','<none>','bob','<none>','Pending']"},
    {"certificate signing request denied and failed", "certificates.k8s.io", "v1",
     "certificatesigningrequests",
     "{'metadata':{'name':'csr-3'," C5M "},'spec':{'signerName':'example.com/x','username':"
     "'carol','expirationSeconds':600},'status':{'conditions':[{'type':'Approved','status':"
     "'True'},{'type':'Denied','status':'False'},{'type':'Failed','status':'True'}]}}",
     "['csr-3','5m','example.com/x','carol','10m','Denied,Failed']"},
    {"lease", "coordination.k8s.io", "v1", "leases",
     "{'metadata':{'name':'kube-scheduler'," C2D "},'spec':{'holderIdentity':'cp-1_abc',"
     "'leaseDurationSeconds':15}}",
     "['kube-scheduler','cp-1_abc','2d']"},
    {"lease without holder", "coordination.k8s.io", "v1", "leases",
     "{'metadata':{'name':'free'," C2D "},'spec':{}}", "['free','','2d']"},
    {"flow schema", "flowcontrol.apiserver.k8s.io", "v1", "flowschemas",
     "{'metadata':{'name':'service-accounts'," C2D "},'spec':{'priorityLevelConfiguration':"
     "{'name':'workload-low'},'matchingPrecedence':9000,'distinguisherMethod':{'type':"
     "'ByUser'}},'status':{'conditions':[{'type':'Dangling','status':'False'}]}}",
     "['service-accounts','workload-low',9000,'ByUser','2d','False']"},
    {"flow schema without distinguisher or status", "flowcontrol.apiserver.k8s.io", "v1",
     "flowschemas",
     "{'metadata':{'name':'exempt'," C2D "},'spec':{'priorityLevelConfiguration':{'name':"
     "'exempt'},'matchingPrecedence':1}}",
     "['exempt','exempt',1,'<none>','2d','?']"},
    {"priority level, limited and queuing", "flowcontrol.apiserver.k8s.io", "v1",
     "prioritylevelconfigurations",
     "{'metadata':{'name':'workload-low'," C2D "},'spec':{'type':'Limited','limited':"
     "{'nominalConcurrencyShares':100,'lendablePercent':90,'limitResponse':{'type':'Queue',"
     "'queuing':{'queues':128,'handSize':6,'queueLengthLimit':50}}}}}",
     "['workload-low','Limited',100,128,6,50,'2d']"},
    {"priority level, limited and rejecting", "flowcontrol.apiserver.k8s.io", "v1",
     "prioritylevelconfigurations",
     "{'metadata':{'name':'catch-all'," C2D "},'spec':{'type':'Limited','limited':"
     "{'nominalConcurrencyShares':5,'limitResponse':{'type':'Reject'}}}}",
     "['catch-all','Limited',5,'<none>','<none>','<none>','2d']"},
    {"priority level, exempt", "flowcontrol.apiserver.k8s.io", "v1", "prioritylevelconfigurations",
     "{'metadata':{'name':'exempt'," C2D "},'spec':{'type':'Exempt','exempt':{}}}",
     "['exempt','Exempt','<none>','<none>','<none>','<none>','2d']"},
    {"runtime class", "node.k8s.io", "v1", "runtimeclasses",
     "{'metadata':{'name':'gvisor'," C2D "},'handler':'runsc'}", "['gvisor','runsc','2d']"},
    {"pod disruption budget, min available", "policy", "v1", "poddisruptionbudgets",
     "{'metadata':{'name':'web-pdb'," C5M "},'spec':{'minAvailable':'50%','selector':"
     "{'matchLabels':{'app':'web'}}},'status':{'disruptionsAllowed':1,'currentHealthy':3,"
     "'desiredHealthy':2,'expectedPods':3}}",
     "['web-pdb','50%','N/A',1,'5m']"},
    {"pod disruption budget, max unavailable", "policy", "v1", "poddisruptionbudgets",
     "{'metadata':{'name':'db-pdb'," C5M "},'spec':{'maxUnavailable':1}}",
     "['db-pdb','N/A','1',0,'5m']"},
    {"priority class", "scheduling.k8s.io", "v1", "priorityclasses",
     "{'metadata':{'name':'high'," C2D "},'value':1000000,'globalDefault':false,"
     "'preemptionPolicy':'PreemptLowerPriority','description':'high'}",
     "['high',1000000,false,'2d','PreemptLowerPriority']"},
    {"priority class, global default", "scheduling.k8s.io", "v1", "priorityclasses",
     "{'metadata':{'name':'normal'," C2D "},'value':-5,'globalDefault':true}",
     "['normal',-5,true,'2d','']"},
    {"mutating webhook configuration", "admissionregistration.k8s.io", "v1",
     "mutatingwebhookconfigurations",
     "{'metadata':{'name':'istio'," C2D "},'webhooks':[{'name':'a.example.com'},{'name':"
     "'b.example.com'}]}",
     "['istio',2,'2d']"},
    {"validating webhook configuration", "admissionregistration.k8s.io", "v1",
     "validatingwebhookconfigurations", "{'metadata':{'name':'none'," C2D "}}", "['none',0,'2d']"},
    {"validating admission policy", "admissionregistration.k8s.io", "v1",
     "validatingadmissionpolicies",
     "{'metadata':{'name':'replicas'," C2D "},'spec':{'paramKind':{'apiVersion':'v1',"
     "'kind':'ConfigMap'},'validations':[{'expression':'object.spec.replicas <= 5'}]}}",
     "['replicas',1,'v1/ConfigMap','2d']"},
    {"validating admission policy without params", "admissionregistration.k8s.io", "v1",
     "validatingadmissionpolicies",
     "{'metadata':{'name':'plain'," C2D "},'spec':{'validations':[{'expression':'true'},"
     "{'expression':'false'}]}}",
     "['plain',2,'<unset>','2d']"},
    {"policy binding with a namespaced param", "admissionregistration.k8s.io", "v1",
     "validatingadmissionpolicybindings",
     "{'metadata':{'name':'b1'," C2D "},'spec':{'policyName':'replicas','paramRef':"
     "{'name':'params','namespace':'default'}}}",
     "['b1','replicas','default/params','2d']"},
    {"policy binding with a param in any namespace", "admissionregistration.k8s.io", "v1",
     "validatingadmissionpolicybindings",
     "{'metadata':{'name':'b2'," C2D "},'spec':{'policyName':'replicas','paramRef':"
     "{'name':'params'}}}",
     "['b2','replicas','*/params','2d']"},
    {"policy binding with a param selector", "admissionregistration.k8s.io", "v1",
     "validatingadmissionpolicybindings",
     "{'metadata':{'name':'b3'," C2D "},'spec':{'policyName':'replicas','paramRef':"
     "{'selector':{'matchLabels':{'env':'prod','app':'x'},'matchExpressions':[{'key':"
     "'tier','operator':'In','values':['a','b']},{'key':'c','operator':'Exists'}]},"
     "'parameterNotFoundAction':'Deny'}}}",
     "['b3','replicas','&LabelSelector{MatchLabels:map[string]string{app: x,env: prod,},"
     "MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,"
     "Operator:In,Values:[a b],},LabelSelectorRequirement{Key:c,Operator:Exists,Values:[],},"
     "},}','2d']"},
    {"policy binding without params", "admissionregistration.k8s.io", "v1",
     "validatingadmissionpolicybindings",
     "{'metadata':{'name':'b4'," C2D "},'spec':{'policyName':'plain','paramRef':"
     "{'parameterNotFoundAction':'Allow'}}}",
     "['b4','plain','<unset>','2d']"},
    /* --- APIServices --- */
    {"local API service", "apiregistration.k8s.io", "v1", "apiservices",
     "{'metadata':{'name':'v1.apps'," C2D ",'labels':{'kube-aggregator.kubernetes.io/"
     "automanaged':'onstart'}},'spec':{'group':'apps','version':'v1','groupPriorityMinimum':"
     "17800,'versionPriority':15},'status':{'conditions':[{'type':'Available','status':'True',"
     "'lastTransitionTime':'2024-12-09T10:00:00Z','reason':'Local','message':'Local "
     "APIServices are always available'}]}}",
     "['v1.apps','Local','True','2d']"},
    {"aggregated API service without endpoints", "apiregistration.k8s.io", "v1", "apiservices",
     "{'metadata':{'name':'v1beta1.metrics.k8s.io'," C5M "},'spec':{'service':{'namespace':"
     "'kube-system','name':'metrics-server','port':443},'group':'metrics.k8s.io','version':"
     "'v1beta1','insecureSkipTLSVerify':true,'groupPriorityMinimum':100,'versionPriority':100},"
     "'status':{'conditions':[{'type':'Available','status':'False','reason':'MissingEndpoints',"
     "'message':'endpoints for service/metrics-server in \\'kube-system\\' have no "
     "addresses'}]}}",
     "['v1beta1.metrics.k8s.io','kube-system/metrics-server','False (MissingEndpoints)','5m']"},
    {"API service not checked yet", "apiregistration.k8s.io", "v1", "apiservices",
     "{'metadata':{'name':'v1.example.com'," C90S "},'spec':{'service':null,'group':"
     "'example.com','version':'v1','groupPriorityMinimum':1000,'versionPriority':15}}",
     "['v1.example.com','Local','Unknown','90s']"},
    {"API service available after another condition", "apiregistration.k8s.io", "v1", "apiservices",
     "{'metadata':{'name':'v2.example.com'," C3H "},'spec':{'service':{'name':'api'}},"
     "'status':{'conditions':[{'type':'Other','status':'True','reason':'Whatever'},{'type':"
     "'Available','status':'Unknown','reason':'ServiceNotFound'},{'type':'Available',"
     "'status':'True'}]}}",
     "['v2.example.com','/api','Unknown (ServiceNotFound)','3h']"},
    {"API service unavailable without a reason", "apiregistration.k8s.io", "v1", "apiservices",
     "{'metadata':{'name':'v3.example.com'," C3H "},'spec':{'service':{'namespace':'x',"
     "'name':'y'}},'status':{'conditions':[{'type':'Available','status':'False'}]}}",
     "['v3.example.com','x/y','False','3h']"},
};

START_TEST(test_row_cells)
{
	const struct row_case *rc = &row_cases[_i];
	json_t *obj = json_quoted(rc->object), *expected = json_quoted(rc->cells);
	json_t *row =
	    table_row(resource(rc->group, rc->version, rc->resource), obj, NOW, TABLE_INCLUDE_NONE);
	char *got = dump(json_object_get(row, "cells")), *want = dump(expected);

	ck_assert_msg(strcmp(got, want) == 0, "%s:\n got %s\nwant %s", rc->what, got, want);
	free(got);
	free(want);
	json_decref(row);
	json_decref(expected);
	json_decref(obj);
}
END_TEST

/* Every resource with printer columns has a case above. */
START_TEST(test_every_resource_has_a_case)
{
	for (size_t i = 0; i < registry_count(); i++) {
		const struct resource_type *rt = registry_at(i);
		bool found = false;

		if (rt->num_columns == 0)
			continue;
		for (size_t j = 0; j < N(row_cases) && !found; j++)
			found = strcmp(row_cases[j].group, rt->group) == 0 &&
				strcmp(row_cases[j].version, rt->version) == 0 &&
				strcmp(row_cases[j].resource, rt->resource) == 0;
		ck_assert_msg(found, "no row case for %s/%s/%s", rt->group, rt->version,
			      rt->resource);
	}
}
END_TEST

/* Every cell kind a registry column names is implemented. */
START_TEST(test_every_cell_kind_exists)
{
	static const struct {
		const struct cell_kind *kinds;
		const size_t *count;
	} tables[] = {
	    {table_generic_cells, &table_num_generic_cells},
	    {table_workload_cells, &table_num_workload_cells},
	    {table_kind_cells, &table_num_kind_cells},
	};
	size_t kinds = 0;

	for (size_t t = 0; t < N(tables); t++)
		kinds += *tables[t].count;
	/* check_resources.py documents 74 kinds, and requires every one to be used. */
	ck_assert_uint_eq(kinds, 74);
	for (size_t i = 0; i < registry_count(); i++) {
		const struct resource_type *rt = registry_at(i);

		for (size_t c = 0; c < rt->num_columns; c++) {
			const char *cell = rt->columns[c].cell, *colon = strchr(cell, ':');
			size_t len = colon ? (size_t)(colon - cell) + 1 : strlen(cell);
			bool found = false;

			for (size_t t = 0; t < N(tables) && !found; t++)
				for (size_t k = 0; k < *tables[t].count && !found; k++)
					found = strlen(tables[t].kinds[k].name) == len &&
						strncmp(tables[t].kinds[k].name, cell, len) == 0;
			ck_assert_msg(found, "%s/%s column %s: cell kind %s is not implemented",
				      rt->group, rt->resource, rt->columns[c].name, cell);
		}
	}
}
END_TEST

static bool is_cell_value(const json_t *v)
{
	return json_is_string(v) || json_is_integer(v) || json_is_boolean(v) || json_is_real(v);
}

/* Any object gives one scalar per column, for every resource. */
START_TEST(test_odd_objects_give_full_rows)
{
	static const char *const objects[] = {
	    "{}",
	    "{'metadata':null,'spec':null,'status':null}",
	    "{'metadata':{'name':7,'creationTimestamp':'yesterday','labels':[1]},'spec':[],"
	    "'status':'x','subsets':{},'ports':3,'endpoints':[1,[2]],'data':'x'}",
	    "{'metadata':{'annotations':{'autoscaling.alpha.kubernetes.io/metrics':'[1,{}]',"
	    "'autoscaling.alpha.kubernetes.io/current-metrics':'not json'}},'spec':{'metrics':"
	    "[{'type':'Resource'},{'type':'Pods','pods':{'target':{}}},{'type':'Object'},{'type':"
	    "'External'},{'type':'ContainerResource'},{'type':'Other'}],'selector':{'matchLabels':"
	    "{'a':1}}}}",
	};
	for (size_t o = 0; o < N(objects); o++) {
		json_t *obj = json_quoted(objects[o]);

		for (size_t i = 0; i < registry_count(); i++) {
			const struct resource_type *rt = registry_at(i);
			json_t *row = table_row(rt, obj, NOW, TABLE_INCLUDE_METADATA);
			json_t *cells = json_object_get(row, "cells");

			ck_assert_uint_eq(json_array_size(cells), rt->num_columns);
			for (size_t c = 0; c < json_array_size(cells); c++)
				ck_assert_msg(is_cell_value(json_array_get(cells, c)),
					      "%s column %s", rt->resource, rt->columns[c].name);
			json_decref(row);
		}
		json_decref(obj);
	}
}
END_TEST

/*
 * The Go type behind every "as is" column, seen in what an empty object
 * prints: upstream prints the zero value of the field's type.
 */
static const struct {
	const char *group, *resource, *column, *zero;
} jsonpath_zeros[] = {
    {"apps", "deployments", "Up-to-date", "0"},
    {"apps", "deployments", "Available", "0"},
    {"apps", "replicasets", "Desired", "0"},
    {"apps", "daemonsets", "Available", "0"},
    {"apps", "controllerrevisions", "Revision", "0"},
    {"autoscaling", "horizontalpodautoscalers", "MaxPods", "0"},
    {"autoscaling", "horizontalpodautoscalers", "Replicas", "0"},
    {"flowcontrol.apiserver.k8s.io", "flowschemas", "MatchingPrecedence", "0"},
    {"flowcontrol.apiserver.k8s.io", "flowschemas", "PriorityLevel", "\"\""},
    {"policy", "poddisruptionbudgets", "Allowed Disruptions", "0"},
    {"scheduling.k8s.io", "priorityclasses", "Value", "0"},
    {"scheduling.k8s.io", "priorityclasses", "Global-Default", "false"},
    {"scheduling.k8s.io", "priorityclasses", "PreemptionPolicy", "\"\""},
    {"storage.k8s.io", "volumeattachments", "Attached", "false"},
    {"", "events", "Type", "\"\""},
};

START_TEST(test_jsonpath_zero_values)
{
	json_t *empty = json_object();
	size_t checked = 0;

	for (size_t i = 0; i < registry_count(); i++) {
		const struct resource_type *rt = registry_at(i);
		json_t *row = table_row(rt, empty, NOW, TABLE_INCLUDE_NONE);

		for (size_t c = 0; c < rt->num_columns; c++) {
			const struct printer_column *col = &rt->columns[c];
			char *got;

			if (strncmp(col->cell, "jsonpath:", 9) != 0)
				continue;
			got = dump(json_array_get(json_object_get(row, "cells"), c));
			for (size_t z = 0; z < N(jsonpath_zeros); z++) {
				if (strcmp(jsonpath_zeros[z].group, rt->group) != 0 ||
				    strcmp(jsonpath_zeros[z].resource, rt->resource) != 0 ||
				    strcmp(jsonpath_zeros[z].column, col->name) != 0)
					continue;
				ck_assert_msg(strcmp(got, jsonpath_zeros[z].zero) == 0, "%s %s: %s",
					      rt->resource, col->name, got);
				checked++;
			}
			/* Typed columns hold their type; "string" ones may hold integers. */
			if (strcmp(col->type, "integer") == 0)
				ck_assert_msg(strcmp(got, "0") == 0, "%s %s", rt->resource,
					      col->name);
			else if (strcmp(col->type, "boolean") == 0)
				ck_assert_msg(strcmp(got, "false") == 0, "%s %s", rt->resource,
					      col->name);
			free(got);
		}
		json_decref(row);
	}
	/* Every entry names a column; the autoscaler ones twice, for v1 and v2. */
	ck_assert_uint_eq(checked, N(jsonpath_zeros) + 2);
	json_decref(empty);
}
END_TEST

static const char pod_columns[] =
    "[{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"description\":\"Name must "
    "be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of an appropriate name "
    "automatically. Name is primarily intended for creation idempotence and configuration "
    "definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names\","
    "\"priority\":0},"
    "{\"name\":\"Ready\",\"type\":\"string\",\"format\":\"\",\"description\":\"The "
    "aggregate readiness state of this pod for accepting traffic.\",\"priority\":0},"
    "{\"name\":\"Status\",\"type\":\"string\",\"format\":\"\",\"description\":\"The "
    "aggregate status of the containers in this pod.\",\"priority\":0},"
    "{\"name\":\"Restarts\",\"type\":\"string\",\"format\":\"\",\"description\":\"The "
    "number of times the containers in this pod have been restarted and when the last "
    "container in this pod has restarted.\",\"priority\":0},"
    "{\"name\":\"Age\",\"type\":\"string\",\"format\":\"\",\"description\":\"CreationTimestamp "
    "is a timestamp representing the server time when this object was created. It is not "
    "guaranteed to be set in happens-before order across separate operations. Clients may "
    "not set this value. It is represented in RFC3339 form and is in UTC.\\n\\nPopulated by "
    "the system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/"
    "api-conventions.md#metadata\",\"priority\":0},"
    "{\"name\":\"IP\",\"type\":\"string\",\"format\":\"\",\"description\":\"podIP address "
    "allocated to the pod. Routable at least within the cluster. Empty if not yet "
    "allocated.\",\"priority\":1},"
    "{\"name\":\"Node\",\"type\":\"string\",\"format\":\"\",\"description\":\"NodeName "
    "indicates in which node this pod is scheduled. If empty, this pod is a candidate for "
    "scheduling by the scheduler defined in schedulerName. Once this field is set, the "
    "kubelet for this node becomes responsible for the lifecycle of this pod. This field "
    "should not be used to express a desire for the pod to be scheduled on a specific node. "
    "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename\","
    "\"priority\":1},"
    "{\"name\":\"Nominated Node\",\"type\":\"string\",\"format\":\"\",\"description\":"
    "\"nominatedNodeName is set only when this pod preempts other pods on the node, but it "
    "cannot be scheduled right away as preemption victims receive their graceful "
    "termination periods. This field does not guarantee that the pod will be scheduled on "
    "this node. Scheduler may decide to place the pod elsewhere if other nodes become "
    "available sooner. Scheduler may also decide to give the resources on this node to a "
    "higher priority pod that is created after preemption. As a result, this field may be "
    "different than PodSpec.nodeName when the pod is scheduled.\",\"priority\":1},"
    "{\"name\":\"Readiness Gates\",\"type\":\"string\",\"format\":\"\",\"description\":\"If "
    "specified, all readiness gates will be evaluated for pod readiness. A pod is ready "
    "when all its containers are ready AND all conditions specified in the readiness gates "
    "have status equal to \\\"True\\\" More info: "
    "https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates\","
    "\"priority\":1}]";

START_TEST(test_column_definitions_pods)
{
	json_t *columns = table_column_definitions(resource("", "v1", "pods"));
	char *got = dump(columns);

	ck_assert_str_eq(got, pod_columns);
	free(got);
	json_decref(columns);
}
END_TEST

START_TEST(test_column_definitions_default_table)
{
	json_t *columns =
	    table_column_definitions(resource("rbac.authorization.k8s.io", "v1", "roles"));
	char *got = dump(columns);

	ck_assert_str_eq(
	    got, "[{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"description\":"
		 "\"Name must be unique within a namespace. Is required when creating resources, "
		 "although some resources may allow a client to request the generation of an "
		 "appropriate name automatically. Name is primarily intended for creation "
		 "idempotence and configuration definition. Cannot be updated. More info: "
		 "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names\","
		 "\"priority\":0},{\"name\":\"Created At\",\"type\":\"date\",\"format\":\"\","
		 "\"description\":\"CreationTimestamp is a timestamp representing the server time "
		 "when this object was created. It is not guaranteed to be set in happens-before "
		 "order across separate operations. Clients may not set this value. It is "
		 "represented in RFC3339 form and is in UTC.\\n\\nPopulated by the system. "
		 "Read-only. Null for lists. More info: "
		 "https://git.k8s.io/community/contributors/devel/sig-architecture/"
		 "api-conventions.md#metadata\",\"priority\":0}]");
	free(got);
	json_decref(columns);
}
END_TEST

/* Every definition has the five fields in order, whatever the resource. */
START_TEST(test_column_definitions_shape)
{
	static const char *const keys[] = {"name", "type", "format", "description", "priority"};

	for (size_t i = 0; i < registry_count(); i++) {
		const struct resource_type *rt = registry_at(i);
		json_t *columns = table_column_definitions(rt);

		ck_assert_uint_eq(json_array_size(columns), rt->num_columns);
		for (size_t c = 0; c < rt->num_columns; c++) {
			json_t *col = json_array_get(columns, c);
			void *iter = json_object_iter(col);

			for (size_t k = 0; k < N(keys);
			     k++, iter = json_object_iter_next(col, iter))
				ck_assert_str_eq(json_object_iter_key(iter), keys[k]);
			ck_assert(iter == NULL);
			ck_assert_str_eq(json_string_value(json_object_get(col, "name")),
					 rt->columns[c].name);
			ck_assert_int_eq(json_integer_value(json_object_get(col, "priority")),
					 rt->columns[c].priority);
		}
		json_decref(columns);
	}
}
END_TEST

static const char configmap_text[] =
    "{'kind':'ConfigMap','apiVersion':'v1','metadata':{'name':'conf','namespace':'default',"
    "'uid':'1f0c','resourceVersion':'42','creationTimestamp':'2024-12-11T09:55:00Z',"
    "'labels':{'app':'web'},'managedFields':[{'manager':'kubectl','operation':'Apply',"
    "'apiVersion':'v1','time':'2024-12-11T09:55:00Z','fieldsType':'FieldsV1','fieldsV1':"
    "{}}]},'data':{'k':'v'}}";

START_TEST(test_row_object)
{
	static const struct {
		enum table_include include;
		const char *row;
	} cases[] = {
	    {TABLE_INCLUDE_NONE, "{'cells':['conf',1,'5m'],'object':null}"},
	    {TABLE_INCLUDE_METADATA,
	     "{'cells':['conf',1,'5m'],'object':{'kind':'PartialObjectMetadata','apiVersion':"
	     "'meta.k8s.io/v1','metadata':{'name':'conf','namespace':'default','uid':'1f0c',"
	     "'resourceVersion':'42','creationTimestamp':'2024-12-11T09:55:00Z','labels':{'app':"
	     "'web'},'managedFields':[{'manager':'kubectl','operation':'Apply','apiVersion':'v1',"
	     "'time':'2024-12-11T09:55:00Z','fieldsType':'FieldsV1','fieldsV1':{}}]}}}"},
	    {TABLE_INCLUDE_OBJECT, NULL},
	};
	json_t *obj = json_quoted(configmap_text);

	for (size_t i = 0; i < N(cases); i++) {
		json_t *row =
		    table_row(resource("", "v1", "configmaps"), obj, NOW, cases[i].include);
		json_t *want = cases[i].row ? json_quoted(cases[i].row)
					    : json_pack("{s:[s,i,s],s:O}", "cells", "conf", 1, "5m",
							"object", obj);
		char *got_text = dump(row), *want_text = dump(want);

		ck_assert_str_eq(got_text, want_text);
		free(got_text);
		free(want_text);
		json_decref(want);
		json_decref(row);
	}
	json_decref(obj);
}
END_TEST

START_TEST(test_row_object_without_metadata)
{
	json_t *obj = json_quoted("{'data':{}}");
	json_t *row = table_row(resource("", "v1", "configmaps"), obj, NOW, TABLE_INCLUDE_METADATA);
	char *got = dump(json_object_get(row, "object"));

	ck_assert_str_eq(got, "{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":"
			      "\"meta.k8s.io/v1\",\"metadata\":{}}");
	free(got);
	json_decref(row);
	json_decref(obj);
}
END_TEST

/* printPod marks pods that ran to completion; no other printer does. */
START_TEST(test_pod_row_conditions)
{
	static const struct {
		const char *resource, *phase, *row;
	} cases[] = {
	    {"pods", "Succeeded",
	     "{'cells':['p','0/0','Succeeded','0','5m','<none>','<none>','<none>','<none>'],"
	     "'conditions':[{'type':'Completed','status':'True','reason':'Succeeded','message':"
	     "'The pod has completed successfully.'}],'object':null}"},
	    {"pods", "Failed",
	     "{'cells':['p','0/0','Failed','0','5m','<none>','<none>','<none>','<none>'],"
	     "'conditions':[{'type':'Completed','status':'True','reason':'Failed','message':"
	     "'The pod failed.'}],'object':null}"},
	    {"pods", "Running",
	     "{'cells':['p','0/0','Running','0','5m','<none>','<none>','<none>','<none>'],"
	     "'object':null}"},
	    {"namespaces", "Succeeded", "{'cells':['p','Succeeded','5m'],'object':null}"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *text = NULL;
		json_t *obj, *row, *want;
		char *got_text, *want_text;

		ck_assert_int_ge(asprintf(&text,
					  "{'metadata':{'name':'p'," C5M "},'status':"
					  "{'phase':'%s'}}",
					  cases[i].phase),
				 0);
		obj = json_quoted(text);
		row =
		    table_row(resource("", "v1", cases[i].resource), obj, NOW, TABLE_INCLUDE_NONE);
		want = json_quoted(cases[i].row);
		got_text = dump(row);
		want_text = dump(want);
		ck_assert_str_eq(got_text, want_text);
		free(got_text);
		free(want_text);
		free(text);
		json_decref(want);
		json_decref(row);
		json_decref(obj);
	}
}
END_TEST

static json_t *one_row(void)
{
	json_t *rows = json_array();

	json_array_append_new(rows, json_pack("{s:[s], s:n}", "cells", "x", "object"));
	return rows;
}

START_TEST(test_wrap)
{
	const struct resource_type *rt = resource("rbac.authorization.k8s.io", "v1", "roles");
	json_t *table, *expected_columns = table_column_definitions(rt);
	char *columns = dump(expected_columns), *got, *want = NULL;

	/* A list page with a continuation. */
	table = table_wrap(rt, one_row(), "123", "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", 7);
	got = dump(table);
	ck_assert_int_ge(asprintf(&want,
				  "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\","
				  "\"metadata\":{\"resourceVersion\":\"123\",\"continue\":"
				  "\"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ\",\"remainingItemCount\":7},"
				  "\"columnDefinitions\":%s,\"rows\":[{\"cells\":[\"x\"],"
				  "\"object\":null}]}",
				  columns),
			 0);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	json_decref(table);

	/* A single object: its resourceVersion, nothing else. */
	table = table_wrap(rt, one_row(), "42", NULL, -1);
	got = dump(json_object_get(table, "metadata"));
	ck_assert_str_eq(got, "{\"resourceVersion\":\"42\"}");
	free(got);
	json_decref(table);

	/* No items: empty metadata, empty rows; a count of zero is still a count. */
	table = table_wrap(rt, NULL, "", "", -1);
	got = dump(table);
	ck_assert_int_ge(asprintf(&want,
				  "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\","
				  "\"metadata\":{},\"columnDefinitions\":%s,\"rows\":[]}",
				  columns),
			 0);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	json_decref(table);
	table = table_wrap(rt, json_array(), NULL, "c", 0);
	got = dump(json_object_get(table, "metadata"));
	ck_assert_str_eq(got, "{\"continue\":\"c\",\"remainingItemCount\":0}");
	free(got);
	json_decref(table);

	/* Watch events after the first carry no column definitions. */
	table = table_wrap(NULL, one_row(), "9", NULL, -1);
	got = dump(table);
	ck_assert_str_eq(got, "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\","
			      "\"metadata\":{\"resourceVersion\":\"9\"},\"columnDefinitions\":null,"
			      "\"rows\":[{\"cells\":[\"x\"],\"object\":null}]}");
	free(got);
	json_decref(table);
	free(columns);
	json_decref(expected_columns);
}
END_TEST

START_TEST(test_include_parse)
{
	enum table_include include = TABLE_INCLUDE_OBJECT;

	ck_assert_int_eq(table_include_parse("", &include), 0);
	ck_assert_int_eq(include, TABLE_INCLUDE_METADATA);
	ck_assert_int_eq(table_include_parse(NULL, &include), 0);
	ck_assert_int_eq(include, TABLE_INCLUDE_METADATA);
	ck_assert_int_eq(table_include_parse("None", &include), 0);
	ck_assert_int_eq(include, TABLE_INCLUDE_NONE);
	ck_assert_int_eq(table_include_parse("Object", &include), 0);
	ck_assert_int_eq(include, TABLE_INCLUDE_OBJECT);
	ck_assert_int_eq(table_include_parse("Metadata", &include), 0);
	ck_assert_int_eq(include, TABLE_INCLUDE_METADATA);
	ck_assert_int_eq(table_include_parse("object", &include), -1);
	ck_assert_int_eq(table_include_parse("All", &include), -1);
	ck_assert_int_eq(include, TABLE_INCLUDE_METADATA);
}
END_TEST

/* Ages follow the clock: the same pod a year later. */
START_TEST(test_age_follows_now)
{
	json_t *obj = json_quoted("{'metadata':{'name':'p','creationTimestamp':"
				  "'2024-12-11T09:59:59.9Z'}}");
	const struct resource_type *rt = resource("", "v1", "configmaps");
	static const struct {
		long long offset;
		const char *age;
	} cases[] = {
	    /* -2.9s is too far in the future, -1.9s is not (Go truncates to whole seconds). */
	    {-3, "<invalid>"}, {-2, "0s"}, {-1, "0s"},
	    {0, "0s"},	       {1, "1s"},  {3600 * 24 * 800, "2y70d"},
	};

	for (size_t i = 0; i < N(cases); i++) {
		json_t *row = table_row(rt, obj, NOW + cases[i].offset, TABLE_INCLUDE_NONE);

		ck_assert_str_eq(
		    json_string_value(json_array_get(json_object_get(row, "cells"), 2)),
		    cases[i].age);
		json_decref(row);
	}
	json_decref(obj);
}
END_TEST

static Suite *table_suite(void)
{
	Suite *s = suite_create("table");
	TCase *cells = tcase_create("cells");
	TCase *json = tcase_create("json");

	tcase_add_loop_test(cells, test_row_cells, 0, N(row_cases));
	tcase_add_test(cells, test_every_resource_has_a_case);
	tcase_add_test(cells, test_every_cell_kind_exists);
	tcase_add_test(cells, test_odd_objects_give_full_rows);
	tcase_add_test(cells, test_jsonpath_zero_values);
	tcase_add_test(cells, test_age_follows_now);
	suite_add_tcase(s, cells);

	tcase_add_test(json, test_column_definitions_pods);
	tcase_add_test(json, test_column_definitions_default_table);
	tcase_add_test(json, test_column_definitions_shape);
	tcase_add_test(json, test_row_object);
	tcase_add_test(json, test_row_object_without_metadata);
	tcase_add_test(json, test_pod_row_conditions);
	tcase_add_test(json, test_wrap);
	tcase_add_test(json, test_include_parse);
	suite_add_tcase(s, json);
	return s;
}

int main(void)
{
	char err[256];
	SRunner *runner;
	int failed;

	if (registry_load(err, sizeof(err)) != 0) {
		fprintf(stderr, "test_table: %s\n", err);
		return EXIT_FAILURE;
	}
	runner = srunner_create(table_suite());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
