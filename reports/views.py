"""Report pages in the Wagtail admin: a period and centre form, then each figure as a chart and
a table, with CSV and SVG downloads of the same numbers."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.selectors import centres_managed_by

from .charts import chart_for
from .forms import ReportFilterForm
from .registry import REPORTS
from .spreadsheet import SafeWriter

# Wagtail's own reports (locked pages, workflows, site history) are "Site reports".
CENTRE_REPORTS = "Centre reports"


def _require_manager(request):
    if not centres_managed_by(request.user).exists():
        raise PermissionDenied


class ReportIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/index.html"
    page_title = CENTRE_REPORTS
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        _require_manager(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": CENTRE_REPORTS}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reports"] = [
            (report, reverse("reports:report", args=[report.slug])) for report in REPORTS.values()
        ]
        return context


def _filename(report, form, extension: str, key: str = "") -> str:
    period = form.chosen_period
    centre = "all" if form.cleaned_data.get("centre") is None else form.cleaned_data["centre"].slug
    name = "-".join(
        part for part in [report.slug, key, centre, f"{period.start}", f"{period.end}"] if part
    )
    return f"{name}.{extension}"


class ReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/report.html"
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        _require_manager(request)
        self.report = REPORTS.get(kwargs["slug"])
        if self.report is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.report.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("reports:index"), "label": CENTRE_REPORTS},
            {"url": "", "label": self.report.title},
        ]

    def get(self, request, *args, **kwargs):
        data = request.GET if "period" in request.GET else None
        form = ReportFilterForm(data or {"period": "this_term"}, user=request.user)
        wanted = request.GET.get("format", "html")
        if not form.is_valid():
            if wanted != "html":
                return HttpResponse(
                    "Choose a valid period and centre.", status=400, content_type="text/plain"
                )
            return self.render_to_response(self.get_context_data(form=form), status=200)
        figures = self.report.figures(
            centres=form.centres, start=form.chosen_period.start, end=form.chosen_period.end
        )
        if wanted == "csv":
            return self.csv_response(form, figures)
        if wanted == "svg":
            return self.svg_response(form, figures, request.GET.get("figure", ""))
        if wanted != "html":
            raise Http404
        return self.render_to_response(self.get_context_data(form=form, figures=figures))

    def get_context_data(self, *, form, figures=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form
        context["report"] = self.report
        if figures is not None:
            query = self.request.GET.copy()
            query.pop("format", None)
            query.pop("figure", None)
            if "period" not in query:
                query["period"] = "this_term"
            context["period"] = form.chosen_period
            context["centre_label"] = form.centre_label
            context["csv_url"] = f"?{query.urlencode()}&format=csv"
            context["figures"] = [
                {
                    "figure": figure,
                    "chart": chart_for(figure),
                    "svg_url": f"?{query.urlencode()}&format=svg&figure={figure.key}",
                }
                for figure in figures
            ]
        return context

    def csv_response(self, form, figures):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{_filename(self.report, form, "csv")}"'
        )
        writer = SafeWriter(response)
        writer.writerow([self.report.title, form.centre_label, form.chosen_period.label])
        period = form.chosen_period
        writer.writerow(["From", period.start.isoformat(), "To", period.end.isoformat()])
        for figure in figures:
            writer.writerow([])
            writer.writerow([figure.title])
            writer.writerow([figure.label_heading, *figure.columns])
            for label, values in figure.rows:
                writer.writerow([label, *["" if value is None else value for value in values]])
        return response

    def svg_response(self, form, figures, key):
        figure = next((figure for figure in figures if figure.key == key), None)
        if figure is None:
            raise Http404
        svg = render_to_string("reports/chart.svg", {"chart": chart_for(figure)})
        response = HttpResponse(
            '<?xml version="1.0" encoding="UTF-8"?>\n' + svg, content_type="image/svg+xml"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{_filename(self.report, form, "svg", figure.key)}"'
        )
        return response
