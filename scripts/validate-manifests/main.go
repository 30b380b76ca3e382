// Command validate-manifests reads rendered Kubernetes manifests (the output of `helm template`)
// and decodes every document strictly into the typed API structs of k8s.io/api (and the
// Prometheus Operator's for ServiceMonitor): an unknown or misspelt field, a wrong type or an
// unknown kind fails. It then checks what the API server would refuse or what would silently
// break the pod: invalid names and labels, a selector that does not match its pods, probes and
// Services pointing at ports the container does not have. No cluster and no network needed.
//
//	helm template ... | validate-manifests [-name what]
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"
)

type checker struct {
	problems []string
	// Named container ports of the pods, by pod labels, for Services and NetworkPolicies.
	pods []podPorts
	refs []portRef
}

type podPorts struct {
	labels map[string]string
	ports  map[string]int32
}

type portRef struct {
	where    string
	selector map[string]string
	port     intstr.IntOrString
}

func (c *checker) fail(where, format string, args ...any) {
	c.problems = append(c.problems, where+": "+fmt.Sprintf(format, args...))
}

func main() {
	name := flag.String("name", "manifests", "what is being validated, for messages")
	flag.Parse()
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	c := &checker{}
	kinds := map[string]int{}
	for i, doc := range splitDocuments(input) {
		kind := c.decode(fmt.Sprintf("%s, document %d", *name, i+1), doc)
		if kind != "" {
			kinds[kind]++
		}
	}
	c.checkPortRefs()
	if len(kinds) == 0 {
		c.fail(*name, "no manifests in the input")
	}
	if len(c.problems) > 0 {
		for _, p := range c.problems {
			fmt.Fprintln(os.Stderr, "INVALID "+p)
		}
		os.Exit(1)
	}
	fmt.Printf("%s: valid (%s)\n", *name, summary(kinds))
}

// splitDocuments splits a YAML stream at "---" lines, dropping empty and comment-only documents.
func splitDocuments(input []byte) [][]byte {
	var docs [][]byte
	var current bytes.Buffer
	flush := func() {
		if hasContent(current.Bytes()) {
			docs = append(docs, append([]byte(nil), current.Bytes()...))
		}
		current.Reset()
	}
	scanner := bufio.NewScanner(bytes.NewReader(input))
	scanner.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.TrimRight(line, " ") == "---" {
			flush()
			continue
		}
		current.WriteString(line + "\n")
	}
	flush()
	return docs
}

func hasContent(doc []byte) bool {
	for _, line := range strings.Split(string(doc), "\n") {
		t := strings.TrimSpace(line)
		if t != "" && !strings.HasPrefix(t, "#") {
			return true
		}
	}
	return false
}

func summary(kinds map[string]int) string {
	var parts []string
	for _, k := range []string{"Deployment", "Service", "ConfigMap", "ServiceAccount", "NetworkPolicy", "ServiceMonitor"} {
		if kinds[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", kinds[k], k))
		}
	}
	return strings.Join(parts, ", ")
}

// decode strictly decodes one document into the type its apiVersion and kind name.
func (c *checker) decode(where string, doc []byte) string {
	var head metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &head); err != nil {
		c.fail(where, "not YAML: %v", err)
		return ""
	}
	where = fmt.Sprintf("%s (%s)", where, head.Kind)
	strict := func(into any) bool {
		if err := yaml.UnmarshalStrict(doc, into); err != nil {
			c.fail(where, "%v", err)
			return false
		}
		return true
	}
	switch head.APIVersion + " " + head.Kind {
	case "apps/v1 Deployment":
		var d appsv1.Deployment
		if strict(&d) {
			c.checkMeta(where, d.ObjectMeta)
			c.checkDeployment(where, &d)
		}
	case "v1 Service":
		var s corev1.Service
		if strict(&s) {
			c.checkMeta(where, s.ObjectMeta)
			if len(s.Spec.Ports) == 0 {
				c.fail(where, "spec.ports is empty")
			}
			for _, p := range s.Spec.Ports {
				c.refs = append(c.refs, portRef{where: where + " port " + p.Name, selector: s.Spec.Selector, port: p.TargetPort})
			}
		}
	case "v1 ConfigMap":
		var m corev1.ConfigMap
		if strict(&m) {
			c.checkMeta(where, m.ObjectMeta)
			for key, value := range m.Data {
				for _, msg := range validation.IsConfigMapKey(key) {
					c.fail(where, "data key %q: %s", key, msg)
				}
				if strings.HasSuffix(key, ".yaml") {
					var any interface{}
					if err := yaml.Unmarshal([]byte(value), &any); err != nil {
						c.fail(where, "data %q is not YAML: %v", key, err)
					}
				}
			}
		}
	case "v1 ServiceAccount":
		var a corev1.ServiceAccount
		if strict(&a) {
			c.checkMeta(where, a.ObjectMeta)
		}
	case "networking.k8s.io/v1 NetworkPolicy":
		var n networkingv1.NetworkPolicy
		if strict(&n) {
			c.checkMeta(where, n.ObjectMeta)
			for _, rule := range n.Spec.Ingress {
				for _, p := range rule.Ports {
					if p.Port != nil {
						c.refs = append(c.refs, portRef{where: where + " ingress port", selector: n.Spec.PodSelector.MatchLabels, port: *p.Port})
					}
				}
			}
		}
	case "monitoring.coreos.com/v1 ServiceMonitor":
		var m monitoringv1.ServiceMonitor
		if strict(&m) {
			c.checkMeta(where, m.ObjectMeta)
			if len(m.Spec.Endpoints) == 0 {
				c.fail(where, "spec.endpoints is empty")
			}
		}
	default:
		c.fail(where, "unexpected apiVersion %q kind %q: add it to scripts/validate-manifests", head.APIVersion, head.Kind)
		return ""
	}
	return head.Kind
}

func (c *checker) checkMeta(where string, meta metav1.ObjectMeta) {
	for _, msg := range validation.IsDNS1123Subdomain(meta.Name) {
		c.fail(where, "metadata.name %q: %s", meta.Name, msg)
	}
	c.checkLabels(where+" metadata.labels", meta.Labels)
}

func (c *checker) checkLabels(where string, set map[string]string) {
	for k, v := range set {
		for _, msg := range validation.IsQualifiedName(k) {
			c.fail(where, "label key %q: %s", k, msg)
		}
		for _, msg := range validation.IsValidLabelValue(v) {
			c.fail(where, "label %q value %q: %s", k, v, msg)
		}
	}
}

func (c *checker) checkDeployment(where string, d *appsv1.Deployment) {
	pod := d.Spec.Template
	c.checkLabels(where+" pod labels", pod.Labels)
	if d.Spec.Selector == nil || len(d.Spec.Selector.MatchLabels) == 0 {
		c.fail(where, "spec.selector.matchLabels is empty")
	} else if !labels.SelectorFromSet(d.Spec.Selector.MatchLabels).Matches(labels.Set(pod.Labels)) {
		c.fail(where, "spec.selector %v does not match the pod labels %v", d.Spec.Selector.MatchLabels, pod.Labels)
	}
	volumes := map[string]bool{}
	for _, v := range pod.Spec.Volumes {
		volumes[v.Name] = true
	}
	ports := map[string]int32{}
	all := append(append([]corev1.Container{}, pod.Spec.InitContainers...), pod.Spec.Containers...)
	if len(pod.Spec.Containers) == 0 {
		c.fail(where, "no containers")
	}
	for _, ct := range all {
		cw := fmt.Sprintf("%s container %q", where, ct.Name)
		if ct.Image == "" || strings.HasSuffix(ct.Image, ":") {
			c.fail(cw, "image %q has no tag", ct.Image)
		}
		own := map[string]bool{}
		for _, p := range ct.Ports {
			if p.Name != "" {
				for _, msg := range validation.IsValidPortName(p.Name) {
					c.fail(cw, "port name %q: %s", p.Name, msg)
				}
				ports[p.Name] = p.ContainerPort
				own[p.Name] = true
			}
			for _, msg := range validation.IsValidPortNum(int(p.ContainerPort)) {
				c.fail(cw, "containerPort %d: %s", p.ContainerPort, msg)
			}
		}
		for probeName, probe := range map[string]*corev1.Probe{"livenessProbe": ct.LivenessProbe, "readinessProbe": ct.ReadinessProbe, "startupProbe": ct.StartupProbe} {
			if probe != nil && probe.HTTPGet != nil && probe.HTTPGet.Port.Type == intstr.String && !own[probe.HTTPGet.Port.StrVal] {
				c.fail(cw, "%s uses port %q, which the container does not declare", probeName, probe.HTTPGet.Port.StrVal)
			}
		}
		for _, m := range ct.VolumeMounts {
			if !volumes[m.Name] {
				c.fail(cw, "volumeMount %q has no volume of that name", m.Name)
			}
		}
		for _, e := range ct.Env {
			for _, msg := range validation.IsEnvVarName(e.Name) {
				c.fail(cw, "env %q: %s", e.Name, msg)
			}
		}
	}
	c.pods = append(c.pods, podPorts{labels: pod.Labels, ports: ports})
}

// checkPortRefs: a Service or NetworkPolicy naming a port must select a pod that declares it.
func (c *checker) checkPortRefs() {
	for _, ref := range c.refs {
		if ref.port.Type != intstr.String {
			continue
		}
		found := false
		for _, pod := range c.pods {
			if labels.SelectorFromSet(ref.selector).Matches(labels.Set(pod.labels)) {
				if _, ok := pod.ports[ref.port.StrVal]; ok {
					found = true
				}
			}
		}
		if !found {
			c.fail(ref.where, "port %q is not declared by any pod it selects (%v)", ref.port.StrVal, ref.selector)
		}
	}
}
